#!/bin/bash
# Builds the out-of-tree test modules of tests/real/modules against the
# installed kernel headers with Kbuild, and asserts that `ksymaudit check`
# reports exactly the (module, symbol) pairs the kernel's own modpost reports
# on the same .o files: gpl-only-use, namespace-not-imported,
# missing-license and unresolved-symbol.
#
# modpost refuses to finish when a non-GPL module uses GPL-only symbols, but
# it runs over every object first and the .o files stay, so both tools see
# the same objects. Its messages are taken from the Kbuild run itself
# (`make V=1` shows the exact modpost command kbuild used on this version).
#
# Usage: modpost-equiv.sh KSYMAUDIT [SOURCE_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

ks=${1:?usage: $0 KSYMAUDIT}
src=${2:-$here/modules}
[ -x "$ks" ] || rk_fail "$ks is not executable"

kdir=$(rk_find_kdir) || rk_skip "no kernel headers with Module.symvers and modpost under /usr/src (apt-get install linux-headers-amd64)"
command -v make >/dev/null || rk_skip "make is not installed"
echo "kernel headers: $kdir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build=$tmp/build
mkdir "$build"
: > "$build/Kbuild"
for d in "$src"/*/; do
	cp "$d"*.c "$build/"
	cat "$d/Kbuild" >> "$build/Kbuild"
done

# modpost fails (GPL-only uses) by design: the status of make is not used,
# but every module object must have been compiled.
make -C "$kdir" M="$build" V=1 -j"$(nproc)" modules > "$tmp/make.log" 2>&1 || true
grep -q 'scripts/mod/modpost' "$tmp/make.log" || {
	tail -40 "$tmp/make.log" >&2
	rk_fail "Kbuild did not run modpost (see the make output above)"
}
grep 'scripts/mod/modpost' "$tmp/make.log" | sed 's/^/modpost command: /'

# The objects modpost read: modules.order, .ko renamed .o as kbuild does.
objs=()
while read -r o; do
	o=${o%.ko}; o=${o%.o}.o
	case "$o" in /*) ;; *) o=$build/$o ;; esac
	[ -f "$o" ] || { tail -40 "$tmp/make.log" >&2; rk_fail "$o was not built"; }
	objs+=("$o")
done < "$build/modules.order"
nmod=$(ls -d "$src"/*/ | wc -l)
[ "${#objs[@]}" -eq "$nmod" ] || rk_fail "modules.order lists ${#objs[@]} modules, expected $nmod"

grep -E '^(ERROR|WARNING): modpost: ' "$tmp/make.log" | rk_parse_modpost > "$tmp/modpost.txt"

set +e
"$ks" check -k "$kdir" --json --fail-on never "${objs[@]}" > "$tmp/ks.json" 2> "$tmp/ks.err"
st=$?
set -e
cat "$tmp/ks.err" >&2
[ "$st" -eq 0 ] || rk_fail "ksymaudit check --fail-on never exited $st"
rk_parse_json < "$tmp/ks.json" > "$tmp/ks.txt" || rk_fail "ksymaudit printed invalid JSON"

echo "--- modpost"; cat "$tmp/modpost.txt"
echo "--- ksymaudit"; cat "$tmp/ks.txt"
rc=0
for c in gpl-only-use namespace-not-imported missing-license unresolved-symbol; do
	rk_compare "$c" "$tmp/modpost.txt" "$tmp/ks.txt" 1 || rc=1
done

# What the modules were written to show, so a change of the headers that
# makes a module meaningless is noticed rather than silently compared.
expect() { grep -qxP "$1" "$tmp/modpost.txt" || { echo "FAIL: modpost did not report: $1" >&2; rc=1; }; }
reject() { ! grep -qP "$1" "$tmp/modpost.txt" || { echo "FAIL: modpost reported: $1" >&2; rc=1; }; }
expect 'gpl-only-use\tka_prop_inline\t__rcu_read_lock'
expect 'gpl-only-use\tka_prop_direct\tsynchronize_rcu'
expect 'gpl-only-use\tka_multi\tput_device'
expect 'gpl-only-use\tka_two_lic_bad\tsynchronize_rcu'
expect 'namespace-not-imported\tka_ns_missing\tdma_buf_put'
expect 'namespace-not-imported\tka_prop_ns\tefivar_lock'
expect 'missing-license\tka_no_license\t-'
expect 'unresolved-symbol\tka_multi\tka_symbol_nobody_exports'
reject '\tka_(gpl_user|dual_bsd|two_lic_ok|ns_ok)\t'
reject 'namespace-not-imported\tka_prop_ns\tdma_buf_put'

# The default --fail-on error makes the same run exit 1.
set +e
"$ks" check -k "$kdir" "${objs[@]}" > "$tmp/ks.text" 2>&1
st=$?
set -e
[ "$st" -eq 1 ] || { cat "$tmp/ks.text" >&2; echo "FAIL: text mode exited $st, expected 1" >&2; rc=1; }
# Clean modules alone exit 0.
set +e
"$ks" check -k "$kdir" "$build/ka_gpl_user.o" "$build/ka_dual_bsd.o" \
	"$build/ka_two_lic_ok.o" "$build/ka_ns_ok.o" > "$tmp/ks.clean" 2>&1
st=$?
set -e
[ "$st" -eq 0 ] || { cat "$tmp/ks.clean" >&2; echo "FAIL: clean modules exited $st, expected 0" >&2; rc=1; }

[ "$rc" -eq 0 ] && echo "PASS: ksymaudit and modpost agree on ${#objs[@]} modules built against $kdir"
exit "$rc"
