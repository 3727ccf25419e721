#!/bin/bash
# Module-restricted exports (EXPORT_SYMBOL_FOR_MODULES, "module:LIST") on a
# kernel built from linux-source-7.x (tools/build-test-kernel-7.sh writes
# $KSYMAUDIT_DATA/kernel7/env: RELEASE OLD NEW OLD_SRC NEW_SRC). Three tiny
# out-of-tree modules are built against OLD with Kbuild, each using a
# module-restricted export that OLD's Module.symvers lists:
#   - one named exactly as an entry of the list: modpost accepts it;
#   - one named as an entry with '-' and '_' swapped (printf-kunit where
#     the list says printf_kunit): modpost compares the object's file name
#     byte for byte and refuses it, the loader would accept it;
#   - one the list does not name: refused.
# `ksymaudit check` on the same objects must give modpost's verdicts in
# modpost's words (the lines of the Kbuild run), and name the loader's
# verdict in the note. Which exports are restricted depends on the
# configuration (7.2's __flush_tlb_all is restricted to kvm modules only
# when KVM vendor modules are built), so they are picked from Module.symvers.
#
# Usage: kernel7-module-list.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ks=$(realpath "${1:?usage: $0 KSYMAUDIT}")
rk_kernel7_env
kdir=$K7_OLD
command -v make >/dev/null || rk_skip "make is not installed"
echo "kernel: $K7_RELEASE ($kdir)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# SYMBOL LIST-ENTRY lines: the restricted exports and their plain entries.
awk -F'\t' '$5 ~ /^module:/ { n = split(substr($5, 8), e, ","); for (i = 1; i <= n; i++) if (e[i] !~ /[*]/) print $2 "\t" e[i] }' \
	"$kdir/Module.symvers" > "$tmp/restricted"
[ -s "$tmp/restricted" ] || rk_fail "no module-restricted export in $kdir/Module.symvers"
cat "$tmp/restricted"
IFS=$'\t' read -r sym1 mod1 < "$tmp/restricted"
line=$(grep -m1 -P '\t[^\t]*[-_][^\t]*$' "$tmp/restricted") ||
	rk_fail "no list entry with '-' or '_' to spell the other way"
sym2=${line%%$'\t'*} entry2=${line#*$'\t'}
mod2=$(echo "$entry2" | tr -- '-_' '_-')
mod3=ka_unlisted
echo "listed: $mod1 uses $sym1; swapped: $mod2 uses $sym2 (list: $entry2); unlisted: $mod3 uses $sym1"

b=$tmp/build
mkdir "$b"
gen() { # MODULE SYMBOL
	cat > "$b/$1.c" <<EOC
#include <linux/module.h>
/* Any undefined reference is a use: the type does not matter here (an
 * asm name, so no header's declaration of the symbol conflicts). */
extern char ka_target[] __asm__("$2");
void *ka_use_$(echo "$1" | tr -- - _) = ka_target;
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksymaudit test: module-restricted export $2");
EOC
	echo "obj-m += $1.o" >> "$b/Kbuild"
}
gen "$mod1" "$sym1"
gen "$mod2" "$sym2"
gen "$mod3" "$sym1"
make -C "$kdir" M="$b" V=1 -j2 modules > "$tmp/make.log" 2>&1 || true
grep -q 'scripts/mod/modpost' "$tmp/make.log" || { tail -30 "$tmp/make.log" >&2; rk_fail "Kbuild did not run modpost"; }
for m in "$mod1" "$mod2" "$mod3"; do
	[ -f "$b/$m.o" ] || { tail -30 "$tmp/make.log" >&2; rk_fail "$m.o was not built"; }
done
sed -n 's/^ERROR: modpost: //p; s/^WARNING: modpost: //p' "$tmp/make.log" | sed 's/\.$//' | sort > "$tmp/modpost.txt"
echo "--- modpost"; cat "$tmp/modpost.txt"

set +e
"$ks" check -k "$kdir" -j --fail-on never "$b/$mod1.o" "$b/$mod2.o" "$b/$mod3.o" > "$tmp/ks.json" 2> "$tmp/ks.err"
st=$?
set -e
cat "$tmp/ks.err" >&2
[ $st = 0 ] || rk_fail "ksymaudit check exited $st"
python3 - "$tmp/ks.json" "$tmp/notes" <<'PY' | sort > "$tmp/ks.txt"
import json, sys
notes = open(sys.argv[2], "w")
for f in json.load(open(sys.argv[1]))["findings"]:
    print(f["message"])
    notes.write("%s\t%s\n" % (f["module"], f.get("note") or ""))
PY
echo "--- ksymaudit"; cat "$tmp/ks.txt"
rc=0
diff -u "$tmp/modpost.txt" "$tmp/ks.txt" || { echo "FAIL: ksymaudit's findings are not modpost's" >&2; rc=1; }
ns=$(awk -F'\t' -v s="$sym2" '$2 == s { print $5 }' "$kdir/Module.symvers")
want2=$(rk_modpost_ns_msg "$mod2" "$sym2" "$ns" "$K7_RELEASE")
grep -qxF "$want2" "$tmp/modpost.txt" || { echo "FAIL: modpost did not refuse $mod2: $want2" >&2; rc=1; }
ns1=$(awk -F'\t' -v s="$sym1" '$2 == s { print $5 }' "$kdir/Module.symvers")
grep -qxF "$(rk_modpost_ns_msg "$mod3" "$sym1" "$ns1" "$K7_RELEASE")" "$tmp/modpost.txt" ||
	{ echo "FAIL: modpost did not refuse $mod3" >&2; rc=1; }
! grep -q "module $mod1 \|^$mod1\.ko: " "$tmp/modpost.txt" || { echo "FAIL: modpost refused the listed $mod1" >&2; rc=1; }
grep -q "^$(echo "$mod2" | tr - _)	.*the loader .* would accept it" "$tmp/notes" ||
	{ echo "FAIL: no note that the loader accepts $mod2" >&2; cat "$tmp/notes" >&2; rc=1; }
grep -q "^$mod3	.*the loader refuses the module too" "$tmp/notes" ||
	{ echo "FAIL: no note that the loader refuses $mod3" >&2; cat "$tmp/notes" >&2; rc=1; }
[ $rc = 0 ] && echo "PASS: modpost of $K7_RELEASE and ksymaudit agree on module-restricted exports"
exit $rc
