#!/bin/bash
# SARIF and GitLab Code Quality reports as the services take them: the SARIF
# of real runs (tree on the mini kernel of tests/tree, check on the fixture
# modules and on examples/vendor-driver built with Kbuild against the
# installed headers) against the SARIF 2.1.0 JSON schema and GitHub's
# documented requirements (check-report.py), and the SARIF SDK's own
# validator with its GitHub rules (Sarif.Multitool validate --rule-kind
# "Gh;Sarif"); the Code Quality report against GitLab's format.
# The validators come from tools/setup-debian.sh --test-data (python3-
# jsonschema, and npm's @microsoft/sarif-multitool-linux in
# /opt/sarif-multitool, whose package also holds the schema); without them
# the test skips, or fails under KSYMAUDIT_REQUIRE_REAL=1.
# Usage: test-sarif.sh KSYMAUDIT SOURCE_ROOT FIXTURES_DIR
set -euo pipefail
export LC_ALL=C
bin=$(realpath "$1") top=$(realpath "$2") fx=$(realpath "$3")
here=$top/tests/sarif
# shellcheck source=../real/lib.sh
. "$top/tests/real/lib.sh"
check=$here/check-report.py
rules=$top/rules

mt_dir=${KSYMAUDIT_SARIF_MULTITOOL_DIR:-/opt/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux}
mt=$mt_dir/Sarif.Multitool
schema=$mt_dir/sarif-2.1.0.json
python3 -c 'import jsonschema' 2>/dev/null ||
	rk_skip "python3 has no jsonschema module (apt-get install python3-jsonschema)"
[ -r "$schema" ] && [ -x "$mt" ] ||
	rk_skip "no SARIF multitool in $mt_dir (tools/setup-debian.sh --test-data)"
# A self-contained .NET program; no ICU needed for validation.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0

# validate NAME SARIF [--relative]: schema, GitHub's requirements, multitool.
validate() {
	local name=$1 file=$2 before=$fail
	fail=0
	shift 2
	if ! python3 "$check" sarif "$file" --schema "$schema" "$@"; then
		echo "FAIL $name: SARIF schema or GitHub requirements"
		fail=1
	fi
	# Errors and warnings of the SDK's SARIF and GitHub rules fail the
	# test, except SARIF2005 (no tool informationUri: ksymaudit has no
	# public home page to name yet).
	"$mt" validate --rule-kind "Gh;Sarif" "$file" >"$tmp/$name.mt" 2>&1 || true
	if ! grep -q 'Analysis completed successfully' "$tmp/$name.mt"; then
		# The .NET runtime can die under memory pressure (the suite
		# runs in parallel): say so, and try once more.
		echo "note $name: the multitool did not complete; again:"
		cat "$tmp/$name.mt"
		"$mt" validate --rule-kind "Gh;Sarif" "$file" >"$tmp/$name.mt" 2>&1 || true
	fi
	if ! grep -q 'Analysis completed successfully' "$tmp/$name.mt"; then
		echo "FAIL $name: the multitool did not complete"
		cat "$tmp/$name.mt"
		fail=1
	fi
	if grep -E ': (error|warning) [A-Z]+[0-9]+:' "$tmp/$name.mt" |
		grep -v ' warning SARIF2005:' >"$tmp/$name.bad"; then
		echo "FAIL $name: Sarif.Multitool validate --rule-kind Gh;Sarif:"
		cat "$tmp/$name.bad"
		fail=1
	fi
	[ "$fail" = 0 ] && echo "ok $name: schema, GitHub requirements, multitool"
	[ "$before" = 0 ] || fail=1
}

# run NAME WANT_STATUS ARGS...: a ksymaudit run writing $tmp/NAME.out
run() {
	local name=$1 want=$2 status=0
	shift 2
	"$bin" "$@" -o "$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
	if [ "$status" != "$want" ]; then
		echo "FAIL $name: exit $status, expected $want"
		cat "$tmp/$name.err"
		fail=1
	fi
}

# The mini kernel: tree, with the tree's sources as the repository.
mkdir "$tmp/mini"
sh "$here/mini-kernel.sh" "$top/tests/tree/src" "$top/tests/fixtures/src" "$tmp/mini"
kernel=(--vmlinux "$tmp/mini/vmlinux" -m "$tmp/mini/mods" --debug-root /nonexistent -r "$rules")
run tree-base 0 tree "${kernel[@]}" -j
run tree 0 tree "${kernel[@]}" -f sarif --source-root "$top/tests/tree/src"
validate tree "$tmp/tree.out" --relative
run tree-baseline 0 tree "${kernel[@]}" -f sarif --baseline "$tmp/tree-base.out" \
	--fail-on warning --source-root "$top/tests/tree/src"
validate tree-baseline "$tmp/tree-baseline.out" --relative
python3 - "$tmp/tree-baseline.out" <<'EOF' || { echo "FAIL tree-baseline: baselineState"; fail=1; }
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
states = {r.get("baselineState") for r in run["results"]}
assert states == {"unchanged"}, states
assert run["properties"]["baseline"]["unchanged"] == len(run["results"])
EOF
# Paths mapped into the repository: --path-prefix-map, then normalised.
run tree-map 0 tree "${kernel[@]}" -f sarif --path-prefix-map include=src/./inc/../include
validate tree-map "$tmp/tree-map.out"
grep -q '"uri":"src/include/linux/mini.h"' "$tmp/tree-map.out" ||
	{ echo "FAIL tree-map: include/ not mapped to src/include/"; fail=1; }
run tree-cq 0 tree "${kernel[@]}" -f codequality --source-root "$top/tests/tree/src"
python3 "$check" codequality "$tmp/tree-cq.out" || { echo "FAIL tree-cq: Code Quality report"; fail=1; }
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/tree-cq.out")
[ "$n" = 7 ] || { echo "FAIL tree-cq: $n issues, expected 7"; fail=1; }

# check on the fixture kernel's modules (errors, warnings, a module
# without license: binary locations without a source line).
d=$fx/x86_64-prel32
run check-fixtures 1 check --vmlinux "$d/vmlinux" -r "$rules" -f sarif \
	"$d/mod-gpl.ko" "$d/mod-proprietary.ko" "$d/mod-user.ko" \
	"$d/mod-nolicense.ko" "$d/mod-dual.ko"
validate check-fixtures "$tmp/check-fixtures.out"
# check --baseline: the same modules again fail no more.
mods=("$d/mod-gpl.ko" "$d/mod-proprietary.ko" "$d/mod-user.ko" "$d/mod-nolicense.ko" "$d/mod-dual.ko")
run check-base 1 check --vmlinux "$d/vmlinux" -r "$rules" -j "${mods[@]}"
run check-known 0 check --vmlinux "$d/vmlinux" -r "$rules" -f sarif \
	--baseline "$tmp/check-base.out" --fail-on note "${mods[@]}"
validate check-known "$tmp/check-known.out"
run check-fixtures-cq 1 check --vmlinux "$d/vmlinux" -r "$rules" -f codequality \
	--source-root "$top/tests/fixtures/src" --path-prefix-map "$d=build" \
	"$d/mod-proprietary.ko" "$d/mod-nolicense.ko"
python3 "$check" codequality "$tmp/check-fixtures-cq.out" ||
	{ echo "FAIL check-fixtures-cq: Code Quality report"; fail=1; }

# A real run: tools/example.sh's proprietary module, built with Kbuild
# against the installed headers, with its directory as the repository.
if kdir=$(rk_find_kdir); then
	mkdir "$tmp/vd"
	cp "$top"/examples/vendor-driver/* "$tmp/vd/"
	make -s -C "$kdir" M="$tmp/vd" modules >"$tmp/kbuild.log" 2>&1 || true
	if [ -f "$tmp/vd/vendor_driver.o" ]; then
		pushd "$tmp/vd" >/dev/null
		run vendor 1 check -k "$kdir" -r "$rules" -f sarif --source-root . \
			vendor_driver.o
		popd >/dev/null
		validate vendor "$tmp/vendor.out" --relative
		python3 - "$tmp/vendor.out" <<'EOF' || { echo "FAIL vendor: locations"; fail=1; }
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
where = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"].get("region", {}).get("startLine", 0))
               for r in run["results"])
# Two GPL-only uses on line 36 (rcu_read_lock/unlock), told apart.
assert where.count(("vendor_driver.c", 36)) == 2, where
fps = [r["partialFingerprints"]["ksymaudit/v1"] for r in run["results"]]
assert len(set(fps)) == len(fps), fps
bases = {l["physicalLocation"]["artifactLocation"].get("uriBaseId")
         for r in run["results"] for cf in r.get("codeFlows", [])
         for tf in cf["threadFlows"] for l in [x["location"] for x in tf["locations"]]}
assert bases == {"SRCROOT", "KERNELROOT"}, bases
EOF
	else
		echo "FAIL vendor: Kbuild did not build vendor_driver.o"
		cat "$tmp/kbuild.log"
		fail=1
	fi
else
	[ "${KSYMAUDIT_REQUIRE_REAL:-0}" = 1 ] && { echo "FAIL vendor: no kernel headers (KSYMAUDIT_REQUIRE_REAL=1)"; fail=1; }
	echo "skip vendor: no kernel headers with Module.symvers installed"
fi

[ "$fail" = 0 ] && echo "sarif: all passed"
exit "$fail"
