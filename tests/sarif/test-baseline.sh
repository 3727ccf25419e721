#!/bin/bash
# --baseline on the mini kernel of tests/tree: findings of the baseline are
# unchanged and do not fail the run, new ones do; reports without
# fingerprints (older ones) match by the same identity; a baseline that is
# missing, of another command, or hostile is an input error (exit 2) whose
# message names the file.
# Usage: test-baseline.sh KSYMAUDIT SOURCE_ROOT
set -euo pipefail
export LC_ALL=C
bin=$(realpath "$1") top=$(realpath "$2")
here=$top/tests/sarif
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
cd "$tmp"

mkdir mini
sh "$here/mini-kernel.sh" "$top/tests/tree/src" "$top/tests/fixtures/src" mini
kernel=(--vmlinux mini/vmlinux -m mini/mods --debug-root /nonexistent -r "$top/rules")

# expect NAME WANT_STATUS ARGS...: stdout to NAME.out, stderr to NAME.err
expect() {
	local name=$1 want=$2 status=0
	shift 2
	"$bin" "$@" >"$name.out" 2>"$name.err" || status=$?
	if [ "$status" != "$want" ]; then
		echo "FAIL $name: exit $status, expected $want"
		cat "$name.err"
		fail=1
	fi
}

expect base 0 tree "${kernel[@]}" -j
cp base.out base.json
# Seven warnings: they fail with --fail-on warning, unless all are known.
expect no-baseline 1 tree "${kernel[@]}" --fail-on warning
expect all-known 0 tree "${kernel[@]}" --fail-on warning --baseline base.json
grep -qx 'ksymaudit: baseline base.json: 0 new, 7 unchanged, 0 absent' all-known.err ||
	{ echo "FAIL all-known: no summary line"; cat all-known.err; fail=1; }

# One finding dropped (new now), one that is gone (absent), and an older
# report without fingerprints: the identity is computed from its fields.
python3 - <<'EOF'
import json
d = json.load(open("base.json"))
d["findings"] = [f for f in d["findings"] if f["symbol"] != "wrapper_deep"]
for f in d["findings"]:
    del f["fingerprint"]
d["findings"].append({"check": "export-wrapper", "symbol": "gone", "module": None,
                      "file": "core.c", "message": "gone", "path": []})
json.dump(d, open("edited.json", "w"))
EOF
expect one-new 1 tree "${kernel[@]}" --fail-on warning --baseline edited.json -j
python3 - <<'EOF' || { echo "FAIL one-new: states"; fail=1; }
import json
d = json.load(open("one-new.out"))
b = d["baseline"]
assert (b["new"], b["unchanged"], b["absent"]) == (1, 6, 1), b
assert [a["symbol"] for a in b["absent_findings"]] == ["gone"], b
st = {f["symbol"]: f["baseline_state"] for f in d["findings"]}
assert st.pop("wrapper_deep") == "new", st
assert set(st.values()) == {"unchanged"}, st
base = {f["symbol"]: f["fingerprint"] for f in json.load(open("base.json"))["findings"]}
assert all(base[f["symbol"]] == f["fingerprint"] for f in d["findings"])
EOF
# The new finding is a warning: --fail-on error passes.
expect one-new-error 0 tree "${kernel[@]}" --baseline edited.json
# SARIF: baselineState per result.
expect one-new-sarif 1 tree "${kernel[@]}" --fail-on warning --baseline edited.json -f sarif
python3 - <<'EOF' || { echo "FAIL one-new-sarif: baselineState"; fail=1; }
import json
run = json.load(open("one-new-sarif.out"))["runs"][0]
st = sorted(r["baselineState"] for r in run["results"])
assert st == ["new"] + ["unchanged"] * 6, st
assert run["properties"]["baseline"]["absent"] == 1
EOF

# An empty baseline: everything is new.
python3 -c 'import json; d=json.load(open("base.json")); d["findings"]=[]; json.dump(d, open("empty.json","w"))'
expect empty-baseline 1 tree "${kernel[@]}" --fail-on warning --baseline empty.json

# Bad baselines: exit 2, "ksymaudit: FILE: baseline: ..." on stderr.
bad() {
	local name=$1 pattern=$2
	expect "bad-$name" 2 tree "${kernel[@]}" --baseline "$name.json"
	if ! grep -q "^ksymaudit: $name.json: baseline: $pattern" "bad-$name.err"; then
		echo "FAIL bad-$name: message"
		cat "bad-$name.err"
		fail=1
	fi
}
printf '' >empty-file.json
bad empty-file "empty file"
printf '{"schema_version":1,"findings":[' >truncated.json
bad truncated "not a JSON document"
printf '{"schema_version":1,"findings":[]} x' >trailing.json
bad trailing "not a JSON document: trailing data"
python3 -c 'print("[" * 100000 + "]" * 100000)' >deep.json
bad deep "not a JSON document: nesting too deep"
printf '[]' >array.json
bad array "not a ksymaudit JSON report"
printf 'null' >null.json
bad null "not a ksymaudit JSON report"
printf '{"findings":[]}' >noversion.json
bad noversion "not a ksymaudit JSON report"
printf '{"schema_version":3,"findings":[]}' >version2.json
bad version2 "schema_version 3 is not supported"
printf '{"schema_version":1,"findings":{}}' >notarray.json
bad notarray "'findings' is not an array"
printf '{"schema_version":1,"findings":[{"check":7}]}' >checktype.json
bad checktype "findings\[0\]: 'check' is not a string"
printf '{"schema_version":1,"findings":[1]}' >notobject.json
bad notobject "findings\[0\]: not an object"
printf '{"schema_version":1,"findings":[{"check":"a","fingerprint":"xyz"}]}' >badfp.json
bad badfp "findings\[0\]: 'fingerprint' is not 16"
printf '{"schema_version":1,"findings":[{"check":"a\\u0000b"}]}' >nul.json
bad nul "findings\[0\]: 'check' contains a NUL byte"
printf '{"schema_version":1,"findings":[{"check":"a","path":[{"symbol":null}]}]}' >path.json
bad path "findings\[0\].path\[0\]: 'symbol' is missing"
printf '\xff\xfe{' >binary.json
bad binary "not a JSON document"
expect missing 2 tree "${kernel[@]}" --baseline nonexistent.json
grep -q '^ksymaudit: nonexistent.json: baseline: No such file' missing.err ||
	{ echo "FAIL missing: message"; cat missing.err; fail=1; }
expect directory 2 tree "${kernel[@]}" --baseline mini
grep -q '^ksymaudit: mini: baseline: Is a directory' directory.err ||
	{ echo "FAIL directory: message"; cat directory.err; fail=1; }
# A report of another command is not a baseline of this one.
sed 's/"command":"tree"/"command":"check"/' base.json >check.json
expect other-command 2 tree "${kernel[@]}" --baseline check.json
grep -q "^ksymaudit: check.json: baseline: a report of 'ksymaudit check', not of tree" other-command.err ||
	{ echo "FAIL other-command: message"; cat other-command.err; fail=1; }
# In JSON mode the problem is in the report.
expect bad-json 2 tree "${kernel[@]}" --baseline array.json -j
python3 -c 'import json,sys; e=json.load(open("bad-json.out"))["errors"]; assert e and e[0]["file"]=="array.json" and e[0]["fatal"], e' ||
	{ echo "FAIL bad-json: error not in the JSON report"; fail=1; }
# Bad option values.
expect bad-map 2 tree "${kernel[@]}" --path-prefix-map nothing
expect bad-map2 2 tree "${kernel[@]}" --path-prefix-map =x
expect bad-root 2 tree "${kernel[@]}" -f sarif --source-root /nonexistent/dir

[ "$fail" = 0 ] && echo "baseline: all passed"
exit "$fail"
