#!/bin/bash
# The pre-merge case end to end on a kernel built from source: `tree -k` on
# the tinyconfig+modules 6.1 kernel of tools/build-test-kernel.sh
# ($KSYMAUDIT_DATA/kbuild-old), and `diff` of it against the same tree with
# tools/test-kernel.patch applied (kbuild-new):
#  (a) __folio_put became EXPORT_SYMBOL_GPL; the header inline folio_put()
#      calls it (and put_page() through it), an inline-exposure finding, and
#      tests/real/diff-module/ka_vendor_mm.c, a proprietary module built here
#      against kbuild-old, breaks: it imports __folio_put, and its put_page()
#      (folio_put() inside it) reaches it once rebuilt;
#      Plain exports whose code inlines put_page() become export-wrappers.
#  (b) the new EXPORT_SYMBOL ksymaudit_door() reaches the GPL-only
#      synchronize_rcu() through the new static ksymaudit_door_helper(): a new
#      export-wrapper finding (the helper did not exist in OLD, so it is not
#      an export-door: no OLD code changed hands).
# Nothing else differs between the two trees, so nothing else is reported.
# Usage: diff-test-kernel.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bin=$(realpath "$1")
rk_test_kernels

# The data is what the patch makes it, or this test would test the data.
sym() { awk -v s="$2" '$2 == s { print $4 }' "$1/Module.symvers"; }
[ "$(sym "$old" __folio_put)" = EXPORT_SYMBOL ] &&
	[ "$(sym "$new" __folio_put)" = EXPORT_SYMBOL_GPL ] &&
	[ "$(sym "$new" ksymaudit_door)" = EXPORT_SYMBOL ] ||
	rk_skip "$old and $new are not the test kernel before and after tools/test-kernel.patch (rebuild: tools/build-test-kernel.sh --force)"

tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# tree -k on the kernel as built: it reads, and carries the export table.
status=0
"$bin" tree -k "$old" -j -o old.json 2>old.err || status=$?
[ "$status" -le 1 ] || { cat old.err >&2; rk_fail "tree -k $old: exit $status"; }
[ "$(jq '[.errors[] | select(.fatal)] | length' old.json)" = 0 ] || bad "tree -k: fatal input errors"
[ "$(jq -r '.exports[] | select(.symbol == "__folio_put") | .type' old.json)" = EXPORT_SYMBOL ] ||
	bad "tree -k: __folio_put is not EXPORT_SYMBOL in the export table"
[ "$(jq '.exports | length' old.json)" -gt 1000 ] || bad "tree -k: export table too small"
[ "$(jq '.reach.functions | length' old.json)" -gt 100 ] || bad "tree -k: no reach facts"
# PREEMPT_RCU: rcu_read_lock() calls the GPL-only __rcu_read_lock().
[ "$(jq '[.findings[] | select(.check == "inline-exposure" and .symbol == "rcu_read_lock")] | length' old.json)" = 1 ] ||
	bad "tree -k: rcu_read_lock is not an inline-exposure finding"

# A vendor module built against OLD, as its vendor would.
mkdir vendor
cp "$here/diff-module/ka_vendor_mm.c" "$here/diff-module/Kbuild" vendor/
make -C "$old" M="$tmp/vendor" KA_MODULE=ka_vendor_mm modules >vendor.log 2>&1 ||
	{ tail -20 vendor.log >&2; rk_fail "cannot build ka_vendor_mm.ko against $old"; }
vendor=$tmp/vendor/ka_vendor_mm.ko

# diff of the two kernel trees, with the vendor module.
status=0
"$bin" diff "$old" "$new" -m "$vendor" -j -o diff.json 2>diff.err || status=$?
[ "$status" = 1 ] || { cat diff.err >&2; bad "diff: exit $status, expected 1 (module-breaks errors)"; }
jq -r '.findings[] | [.check, .change, .module // "-", .symbol // "-"] | @tsv' diff.json |
	sort -u >got.txt
cat got.txt
want() { grep -qxF "$(printf '%s\t' "$@" | sed 's/\t$//')" got.txt || bad "missing: $*"; }
want export-license changed vmlinux __folio_put
want export-wrapper new vmlinux ksymaudit_door
want inline-exposure new - folio_put
want module-breaks new ka_vendor_mm __folio_put
[ "$(jq -r '.findings[] | select(.check == "export-license") | .old + ">" + .new' diff.json)" = \
	"EXPORT_SYMBOL>EXPORT_SYMBOL_GPL" ] || bad "export-license: not exactly __folio_put's flip"
[ "$(jq -r '.findings[] | select(.check == "export-wrapper" and .symbol == "ksymaudit_door") |
	[.path[].symbol] | join(">")' diff.json)" = "ksymaudit_door_helper>synchronize_rcu" ] ||
	bad "ksymaudit_door: path is not ksymaudit_door_helper>synchronize_rcu"
# Only changes the patch explains: __folio_put's flip (and what reaches
# __folio_put: header inlines, plain exports whose code inlines put_page(),
# a changed one because __folio_put is the GPL-only target it gained),
# the door, and the vendor module.
extra=$(jq -r '.findings[] | select(
	(.check == "export-license" and .symbol == "__folio_put") or
	(.check == "export-wrapper" and .change == "new" and .symbol == "ksymaudit_door") or
	(.check == "export-wrapper" and .change == "new" and
	 .path[-1].symbol == "__folio_put") or
	(.check == "export-wrapper" and .change == "changed" and
	 (.note | contains("GPL-only in NEW only: __folio_put;")) and
	 ([.targets[].symbol] | index("__folio_put"))) or
	(.check == "inline-exposure" and (.change == "new" or .change == "changed") and
	 (.message | contains("__folio_put"))) or
	(.check == "module-breaks" and .module == "ka_vendor_mm") | not) |
	[.check, .change, .symbol // "-", .message] | @tsv' diff.json)
[ -z "$extra" ] || bad "findings the patch does not explain: $extra"
# The inline break: put_page(), or folio_put() inside it (the header inline
# that names __folio_put, as inline-exposure judges it).
msg=$(jq -r '.findings[] | select(.check == "module-breaks" and .old == null) | .message' diff.json)
case $msg in
*"put_page() at "*" now reaches GPL-only "*__folio_put* | \
*"folio_put() (inlined in put_page()) at "*" now reaches GPL-only "*__folio_put*) ;;
*) bad "module-breaks through put_page(): message '$msg'" ;;
esac

# The same from the saved reports.
"$bin" tree -k "$new" -j -o new.json 2>/dev/null || true
"$bin" diff old.json new.json -m "$vendor" -j -o diff2.json 2>/dev/null || true
jq -r '.findings[] | [.check, .change, .module // "-", .symbol // "-"] | @tsv' diff2.json |
	sort -u >got2.txt
diff -u got.txt got2.txt >&2 || bad "diff of reports differs from diff of trees"

[ "$fail" = 0 ] || exit 1
echo "test kernel: tree -k and diff OLD NEW as expected"
