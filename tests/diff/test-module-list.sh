#!/bin/sh
# diff of two Module.symvers where exports become module-restricted
# (EXPORT_SYMBOL_FOR_MODULES, 6.16+: namespace "module:LIST") or their list
# changes: export-license names the list, and -m module-breaks names the
# modules the list leaves out (the x86_64-kflags fixture modules: mod-gpl
# is not on the new list, mod-dual is through "mod-d*").
# Usage: test-module-list.sh KSYMAUDIT FIXTURES_DIR RULES_DIR
set -eu
export LC_ALL=C
bin=$1 fx=$2 rules=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
d=$fx/x86_64-kflags
[ -f "$d/mod-gpl.ko" ] || { echo "SKIP: no x86_64-kflags fixtures"; exit 77; }

t='	'
cat >"$tmp/old.symvers" <<EOT
0x0${t}flush_all${t}vmlinux${t}EXPORT_SYMBOL${t}
0x0${t}cr4_read${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}
0x0${t}grows${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}module:kvm
0x0${t}shrinks${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}module:kvm,kvm-amd
0x0${t}freed${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}module:kvm
0x0${t}ns_to_list${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}KVM_NS
0x0${t}same${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}module:kvm
0x0${t}ka_formods_func${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}
0x0${t}ka_gpl_func${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}
0x0${t}ka_plain_func${t}vmlinux${t}EXPORT_SYMBOL${t}
0x0${t}ka_plain_data${t}vmlinux${t}EXPORT_SYMBOL${t}
0x0${t}ka_gpl_key${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}
0x0${t}ka_ns_func${t}vmlinux${t}EXPORT_SYMBOL${t}KA_NS
0x0${t}ka_ns_gpl_func${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}KA_NS
EOT
sed -e "s/^0x0${t}flush_all${t}.*/0x0${t}flush_all${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}module:kvm,kvm-amd,kvm-intel/" \
    -e "s/^0x0${t}cr4_read${t}.*/0x0${t}cr4_read${t}vmlinux${t}EXPORT_SYMBOL_GPL${t}module:kvm,kvm-amd,kvm-intel/" \
    -e "s/module:kvm\$/module:kvm,vfio*/" \
    -e "s/^\\(0x0${t}shrinks${t}.*\\)module:kvm,kvm-amd/\\1module:kvm/" \
    -e "s/^\\(0x0${t}freed${t}.*\\)${t}module:kvm.*/\\1${t}/" \
    -e "s/${t}KVM_NS\$/${t}module:kvm/" \
    -e "s/^\\(0x0${t}same${t}.*\\)module:kvm,vfio\\*/\\1module:kvm/" \
    -e "s/^\\(0x0${t}ka_formods_func${t}.*\\)${t}\$/\\1${t}module:mod-d*,mod_user/" \
    "$tmp/old.symvers" >"$tmp/new.symvers"
cat "$tmp/new.symvers"

status=0
"$bin" diff --old-symvers "$tmp/old.symvers" --new-symvers "$tmp/new.symvers" \
	-r "$rules" -m "$d/mod-gpl.ko" -m "$d/mod-dual.ko" -j >"$tmp/out.json" || status=$?
python3 "$here/findings.py" <"$tmp/out.json" >"$tmp/got.txt"
cat >"$tmp/want.txt" <<'EOT'
export-license note changed vmlinux freed old=EXPORT_SYMBOL_GPL for modules kvm new=EXPORT_SYMBOL_GPL
export-license note changed vmlinux grows old=EXPORT_SYMBOL_GPL for modules kvm new=EXPORT_SYMBOL_GPL for modules kvm,vfio*
export-license warning changed vmlinux cr4_read old=EXPORT_SYMBOL_GPL new=EXPORT_SYMBOL_GPL for modules kvm,kvm-amd,kvm-intel
export-license warning changed vmlinux flush_all old=EXPORT_SYMBOL new=EXPORT_SYMBOL_GPL for modules kvm,kvm-amd,kvm-intel
export-license warning changed vmlinux ka_formods_func old=EXPORT_SYMBOL_GPL new=EXPORT_SYMBOL_GPL for modules mod-d*,mod_user
export-license warning changed vmlinux ns_to_list old=EXPORT_SYMBOL_GPL:KVM_NS new=EXPORT_SYMBOL_GPL for modules kvm
export-license warning changed vmlinux shrinks old=EXPORT_SYMBOL_GPL for modules kvm,kvm-amd new=EXPORT_SYMBOL_GPL for modules kvm
module-breaks error new mod_gpl ka_formods_func old=EXPORT_SYMBOL_GPL new=EXPORT_SYMBOL_GPL for modules mod-d*,mod_user
EOT
sort "$tmp/got.txt" >"$tmp/got.sorted"
if ! diff -u "$tmp/want.txt" "$tmp/got.sorted"; then
	echo "FAIL: findings differ"; fail=1
fi
[ "$status" = 1 ] || { echo "FAIL: exit $status, expected 1"; fail=1; }

# The messages name the list.
"$bin" diff --old-symvers "$tmp/old.symvers" --new-symvers "$tmp/new.symvers" \
	-r "$rules" -m "$d/mod-gpl.ko" --fail-on never >"$tmp/text.txt" 2>&1
for want in \
	"EXPORT_SYMBOL 'flush_all' became GPL-only and became restricted to modules kvm,kvm-amd,kvm-intel (EXPORT_SYMBOL_FOR_MODULES) [export-license]" \
	"EXPORT_SYMBOL_GPL 'cr4_read' became restricted to modules kvm,kvm-amd,kvm-intel (EXPORT_SYMBOL_FOR_MODULES) [export-license]" \
	"EXPORT_SYMBOL_GPL 'shrinks' changed its module list from kvm,kvm-amd to kvm [export-license]" \
	"EXPORT_SYMBOL_GPL 'freed' is no longer restricted to modules kvm [export-license]" \
	"EXPORT_SYMBOL_GPL 'ns_to_list' moved from namespace KVM_NS to a module list: only modules kvm may use it (EXPORT_SYMBOL_FOR_MODULES) [export-license]" \
	"module mod_gpl will not load against NEW: it imports 'ka_formods_func', which became restricted to modules mod-d*,mod_user [module-breaks]"; do
	grep -qF "$want" "$tmp/text.txt" || { echo "FAIL: no line: $want"; fail=1; }
done
[ "$fail" = 0 ] || cat "$tmp/text.txt"

# tree -j facts split the list; diff reads such a report back.
"$bin" tree --vmlinux "$d/vmlinux" --debug-root /nonexistent -r "$rules" -j -o "$tmp/tree.json" ||
	{ echo "FAIL: tree -j"; fail=1; }
python3 - "$tmp/tree.json" <<'PY' || { echo "FAIL: tree -j modules"; fail=1; }
import json, sys
ex = {e["symbol"]: e for e in json.load(open(sys.argv[1]))["exports"]}
f = ex["ka_formods_func"]
assert f["namespace"] == "module:mod-gpl,mod-d*,mod_user", f
assert f["modules"] == ["mod-gpl", "mod-d*", "mod_user"], f
assert f["type"] == "EXPORT_SYMBOL_GPL", f
assert "modules" not in ex["ka_ns_func"], ex["ka_ns_func"]
PY
status=0
"$bin" diff "$tmp/tree.json" "$tmp/tree.json" -r "$rules" --fail-on note >/dev/null 2>"$tmp/err" || status=$?
[ "$status" = 0 ] || { echo "FAIL: diff of the report with itself: exit $status"; cat "$tmp/err"; fail=1; }
[ "$fail" = 0 ] && echo "module lists in diff: all passed"
exit "$fail"
