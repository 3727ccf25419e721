#!/bin/bash
# The fact cache on a kernel built from source (tools/build-test-kernel.sh:
# kbuild-old, and kbuild-new with tools/test-kernel.patch, which makes
# __folio_put GPL-only and changes vmlinux): `diff` gives the same JSON
# without a cache, with a cold one, a warm one, and one that holds only OLD
# (the pre-merge case); `tree` of NEW after OLD reads the unchanged files
# from the cache but walks vmlinux.o and every module that names
# __folio_put again (its license changed); a warm `diff` reads every file.
# Usage: diff-cache.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bin=$(realpath "$1")
rk_test_kernels
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
ko() { echo "FAIL: $*" >&2; fail=1; }

# run NAME ARGS...: NAME.json and NAME.err; exit status 0 or 1
run() {
	local n=$1 rc=0
	shift
	"$bin" "$@" -j -o "$n.json" 2>"$n.err" || rc=$?
	[ "$rc" -le 1 ] || { cat "$n.err" >&2; rk_fail "ksymaudit $* exited $rc"; }
}
diffrun() { local n=$1; shift; run "$n" diff "$old" "$new" "$@"; }

diffrun ref --no-cache
jq -e '.findings | length > 0' ref.json >/dev/null || ko "the diff found nothing (test data?)"
diffrun cold --cache-dir c --progress=plain
diffrun warm --cache-dir c --progress=plain
for n in cold warm; do
	cmp -s ref.json "$n.json" || { ko "diff with a $n cache differs"; diff <(jq -S . ref.json) <(jq -S . "$n.json") | sed -n 1,20p; }
done
# Warm: every file of both kernels from the cache.
for side in OLD NEW; do
	grep -Eq "^ksymaudit: diff $side: ([0-9]+)/\\1 files \\(100%\\), \\1 from the cache" warm.err ||
		{ ko "warm diff: $side not all from the cache"; cat warm.err >&2; }
done
# The pre-merge case: the target branch (OLD) was audited before.
run treeold tree -k "$old" --cache-dir p
diffrun pre --cache-dir p --progress=plain
cmp -s ref.json pre.json || ko "diff with OLD cached differs"
grep -Eq "^ksymaudit: diff OLD: ([0-9]+)/\\1 files \\(100%\\), \\1 from the cache" pre.err ||
	{ ko "OLD not read from the cache"; cat pre.err >&2; }
# tree of NEW after OLD: unchanged modules that do not name __folio_put
# come from the cache, vmlinux.o and those that name it do not.
rm -rf q
run t1 tree -k "$old" --cache-dir q
run t2 tree -k "$new" --cache-dir q --progress=plain
run t3 tree -k "$new" --no-cache
cmp -s t2.json t3.json || ko "tree of NEW after OLD in the cache differs from a cold one"
total=$(grep -Eo '^ksymaudit: tree: [0-9]+/[0-9]+ files \(100%\), [0-9]+ from' t2.err | awk '{print $3}' | cut -d/ -f2)
hits=$(grep -Eo '\(100%\), [0-9]+ from the cache' t2.err | grep -Eo '[0-9]+ from' | cut -d' ' -f1)
names=0
for m in $(find "$new/" -name '*.ko'); do
	nm "$m" 2>/dev/null | grep -w __folio_put >/dev/null && names=$((names + 1))
done
want=$((total - 1 - names))
[ -n "$hits" ] && [ "$hits" = "$want" ] ||
	{ ko "tree of NEW: ${hits:-?} of ${total:-?} files from the cache, expected $want (vmlinux.o and $names modules naming __folio_put walked)"; cat t2.err >&2; }
[ "$fail" = 0 ] && echo "diff-cache: all passed (tree of NEW: $hits of $total files from OLD's cache)"
exit "$fail"
