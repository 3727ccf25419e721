#!/bin/bash
# The 6.1.76 pfn_valid() break, reproduced on a 7.x kernel built from source
# (tools/build-test-kernel-7.sh: OLD from Debian sid's linux-source-7.x,
# tinyconfig + modules, DWARF, PREEMPT_RCU; NEW = OLD + tools/test-kernel-7.patch,
# pfn_valid() taking rcu_read_lock(), whose __rcu_read_lock() is GPL-only).
#  - `diff OLD NEW` (the trees: vmlinux.o's relocations) names pfn_valid as
#    newly exposing __rcu_read_lock, and so does diff of the reports of
#    `tree --vmlinux X/vmlinux` (no relocations: 7.x keeps them in
#    vmlinux.unstripped; decoded), with the same inline-exposure findings;
#  - a proprietary module calling pfn_valid() (tests/real/diff-module/
#    ka_vendor_pfn.c), built with Kbuild: modpost passes it against OLD and
#    refuses it against NEW ("uses GPL-only symbol '__rcu_read_lock'");
#    `check` says the same on the same objects, and its site is explained
#    down to pfn_valid() -> rcu_read_lock().
# Usage: kernel7-pfn-valid.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bin=$(realpath "$1")
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
env=$data/kernel7/env
[ -s "$env" ] || rk_skip "no $env: run tools/build-test-kernel-7.sh"
RELEASE= OLD= NEW= OLD_SRC= NEW_SRC=
eval "$(cat "$env")"
for d in "$OLD" "$NEW"; do
	[ -s "$d/Module.symvers" ] && [ -s "$d/vmlinux" ] && [ -x "$d/scripts/mod/modpost" ] ||
		rk_skip "incomplete kernel build $d: run tools/build-test-kernel-7.sh"
done
grep -A30 '^static inline int pfn_valid(' "$NEW_SRC/include/linux/mmzone.h" |
	grep -q 'rcu_read_lock();' || rk_skip "$NEW_SRC is not patched with tools/test-kernel-7.patch"

tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# diff of the two trees.
status=0
"$bin" diff "$OLD" "$NEW" -j -o diff.json 2>diff.err || status=$?
[ "$status" -le 1 ] || { cat diff.err >&2; rk_fail "diff $OLD $NEW: exit $status"; }
jq -r '.findings[] | [.check, .change // "-", .symbol // "-", .message] | @tsv' diff.json
[ "$(jq '[.findings[] | select(.check == "inline-exposure" and .symbol == "pfn_valid" and
	(.change == "new" or .change == "changed") and
	(.message | contains("__rcu_read_lock")))] | length' diff.json)" = 1 ] ||
	bad "diff does not name pfn_valid as newly exposing __rcu_read_lock"

# The same from the two vmlinux files, which have no relocations (decoded),
# through tree reports: the same findings as from vmlinux.o.
for side in OLD NEW; do
	kdir=${!side}
	"$bin" tree --vmlinux "$kdir/vmlinux" -m "$kdir" -s "$kdir/Module.symvers" -j \
		-o "tree-$side.json" 2>"tree-$side.err" || [ $? = 1 ] ||
		{ cat "tree-$side.err" >&2; rk_fail "tree --vmlinux $kdir/vmlinux failed"; }
done
status=0
"$bin" diff tree-OLD.json tree-NEW.json -j -o diff-decoded.json 2>diff-decoded.err || status=$?
[ "$status" -le 1 ] || { cat diff-decoded.err >&2; rk_fail "diff of the decoded trees: exit $status"; }
key='.findings[] | select(.check == "inline-exposure") | [.change, .symbol, (.message | sub(" \\(.*"; ""))] | @tsv'
jq -r "$key" diff.json | sort >ie.txt
jq -r "$key" diff-decoded.json | sort >ie-decoded.txt
diff -u ie.txt ie-decoded.txt >&2 ||
	bad "inline-exposure differs between diff of vmlinux.o (relocations) and of vmlinux (decoded)"

# The vendor module against each tree, modpost's verdict next to check's.
for side in OLD NEW; do
	kdir=${!side}
	mkdir -p "$side"
	cp "$here/diff-module/ka_vendor_pfn.c" "$here/diff-module/Kbuild" "$side/"
	# against NEW modpost refuses the module: the object stays
	make -C "$kdir" M="$tmp/$side" KA_MODULE=ka_vendor_pfn modules >"$side.log" 2>&1 || true
	[ -s "$side/ka_vendor_pfn.o" ] ||
		{ tail -30 "$side.log" >&2; rk_fail "cannot compile ka_vendor_pfn.o against $kdir"; }
	grep -E '^(ERROR|WARNING): modpost: ' "$side.log" | rk_parse_modpost >"$side.modpost"
	st=0
	"$bin" check -k "$kdir" -j --fail-on never "$side/ka_vendor_pfn.o" >"$side.json" 2>"$side.err" || st=$?
	[ "$st" = 0 ] || { cat "$side.err" >&2; bad "check against $side: exit $st"; continue; }
	rk_parse_json <"$side.json" | grep -E '^(gpl-only-use|namespace-not-imported|missing-license|unresolved-symbol)\b' \
		>"$side.ks" || true
	echo "--- $side: modpost"; cat "$side.modpost"
	echo "--- $side: ksymaudit check"; cat "$side.ks"
	diff -u "$side.modpost" "$side.ks" >&2 || bad "$side: check and modpost differ"
done
[ ! -s OLD.modpost ] || bad "modpost refused the module against OLD"
grep -qxP 'gpl-only-use\tka_vendor_pfn\t__rcu_read_lock' NEW.modpost ||
	bad "modpost did not refuse the module against NEW for __rcu_read_lock"
# The explanation: the use sits in rcu_read_lock() inlined in pfn_valid().
chain=$(jq -r '.findings[] | select(.check == "gpl-only-use" and .symbol == "__rcu_read_lock") |
	.sites[] | [.inline_chain[].function] | join(">")' NEW.json | sort -u)
echo "NEW: __rcu_read_lock reached through: $chain"
grep -q 'rcu_read_lock>pfn_valid' <<<"$chain" ||
	bad "check does not explain __rcu_read_lock through pfn_valid() -> rcu_read_lock()"
"$bin" check -k "$NEW" "$tmp/NEW/ka_vendor_pfn.o" >NEW.txt 2>&1 || true
cat NEW.txt
grep -q 'pfn_valid' NEW.txt || bad "check's text report does not name pfn_valid"

[ "$fail" = 0 ] || exit 1
echo "7.x test kernel: diff names pfn_valid; check agrees with modpost and explains it"
