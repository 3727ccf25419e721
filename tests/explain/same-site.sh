#!/bin/sh
# check and tree read DWARF through one layer: the same reference gets the
# same function, file, line and inline chain from both. On the explain
# fixtures (build-fixtures.sh), with the debug info in the file and in every
# separate layout (check --debuginfo DIR and tree --debug-root DIR name the
# same place), foo.ko's call of gpl_helper (inlined through ka_level1..3) is
# the site of check's gpl-only-use finding and the site of tree's
# export-wrapper finding for foo_work (exported here as EXPORT_SYMBOL).
# Also: no ".." survives in a path (headers included as sub/../include).
# Usage: same-site.sh KSYMAUDIT FIXTURES_DIR RULES_DIR
set -eu
export LC_ALL=C
bin=$1 fx=$2/work rules=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cp "$fx/symvers.txt" "$tmp/symvers"
printf '0x00000000\tfoo_work\tfoo\tEXPORT_SYMBOL\t\n' >>"$tmp/symvers"

# site.py CHECK_JSON TREE_JSON: prints the two sites, fails when they differ.
cat >"$tmp/site.py" <<'PY'
import json, sys
def load(path, check, symbol):
    d = json.load(open(path))
    for f in d["findings"]:
        if f["check"] == check and f["symbol"] == symbol:
            return f
    sys.exit("no %s finding for %s in %s" % (check, symbol, path))
def key(s):
    return {k: s.get(k) for k in ("function", "file", "line", "kind",
                                  "section", "offset", "inline_chain")}
c = load(sys.argv[1], "gpl-only-use", "gpl_helper")
t = load(sys.argv[2], "export-wrapper", "foo_work")
if len(c["sites"]) != 1:
    sys.exit("check: %d sites for gpl_helper" % len(c["sites"]))
step = [i for i, p in enumerate(t["path"]) if p["symbol"] == "gpl_helper"]
if not step:
    sys.exit("tree: gpl_helper not on foo_work's path")
a, b = key(c["sites"][0]), key(t["sites"][step[0]])
if a != b:
    print("check:", json.dumps(a, sort_keys=True))
    print("tree: ", json.dumps(b, sort_keys=True))
    sys.exit("sites differ")
if not a["inline_chain"] or a["function"] != "foo_work":
    sys.exit("not attributed: " + json.dumps(a))
for v in [a["file"]] + [x[k] for x in a["inline_chain"]
                        for k in ("decl_file", "call_file")]:
    if v is None or ".." in v.split("/") or "/./" in v or v.startswith("./"):
        sys.exit("untidy path: %r" % v)
print(json.dumps(a, sort_keys=True))
PY

# same NAME MODULE [DEBUG_DIR]: MODULE and DEBUG_DIR relative to the fixtures.
same() {
	name=$1 mod=$fx/$2 copt= topt="--debug-root /nonexistent"
	if [ -n "${3:-}" ]; then
		copt="--debuginfo $fx/$3" topt="--debug-root $fx/$3"
	fi
	# shellcheck disable=SC2086
	"$bin" check --license Proprietary -s "$tmp/symvers" -r "$rules" -j \
		$copt "$mod" >"$tmp/c.json" 2>"$tmp/c.err" || true
	# shellcheck disable=SC2086
	"$bin" tree -s "$tmp/symvers" -m "$mod" -r "$rules" -j $topt \
		>"$tmp/t.json" 2>"$tmp/t.err" || true
	if out=$(python3 "$tmp/site.py" "$tmp/c.json" "$tmp/t.json" 2>&1); then
		echo "ok $name: $out"
	else
		echo "FAIL $name: $out"
		cat "$tmp/c.err" "$tmp/t.err"
		fail=1
	fi
}

same in-file foo.ko
same debuglink debuglink/foo.ko
same build-id buildid/mod/foo.ko buildid/root
same debug-dir dir/mod/foo.ko dir/dbg
same debian-layout debian/root/lib/modules/9.9.9-test/kernel/drivers/foo.ko debian/debug
same dotdot-include dotdot/foo.ko
if [ -f "$fx/xz/foo.ko.xz" ]; then
	same xz xz/foo.ko.xz
fi

# check on threads: the same report whatever the count (modules and every
# debug layout at once), and a bad count is a usage error.
set -- "$fx/foo.ko" "$fx/gpl.o" "$fx/debuglink/foo.ko" "$fx/dotdot/foo.ko" \
	"$fx/debian/root/lib/modules/9.9.9-test/kernel/drivers/foo.ko" "$fx/nodebug"
for t in 1 3 16; do
	"$bin" check --license Proprietary -s "$tmp/symvers" -r "$rules" -p \
		--debuginfo "$fx/debian/debug" -t $t "$@" >"$tmp/t$t.json" 2>&1 || true
done
if cmp -s "$tmp/t1.json" "$tmp/t3.json" && cmp -s "$tmp/t1.json" "$tmp/t16.json" &&
	grep -q '"inline_chain"' "$tmp/t1.json"; then
	echo "ok threads: -t 1, 3 and 16 give the same report"
else
	echo "FAIL threads: reports differ"; diff "$tmp/t1.json" "$tmp/t3.json" | head -20; fail=1
fi
status=0
"$bin" check -s "$tmp/symvers" -t 0 "$fx/foo.ko" >/dev/null 2>&1 || status=$?
[ $status = 2 ] || { echo "FAIL threads: -t 0 exits $status, not 2"; fail=1; }
exit $fail
