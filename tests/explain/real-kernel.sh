#!/bin/sh
# Real kernel: an out-of-tree module built with Kbuild against the installed
# linux-headers reaches __rcu_read_lock (EXPORT_SYMBOL_GPL) only through the
# header inline rcu_read_lock(). ksymaudit must name that inline, where it is
# declared, and the module's calling line.
# Usage: real-kernel.sh KSYMAUDIT MODULE-SRC-DIR
set -eu
LC_ALL=C
export LC_ALL
ksymaudit=$1
src=$2
kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v cloud | head -n1 || true)
if [ -z "$kdir" ] || [ ! -f "$kdir/Module.symvers" ]; then
	if [ "${KSYMAUDIT_REQUIRE_REAL:-}" = 1 ]; then
		echo "real-kernel: no linux-headers-*-amd64 installed" >&2
		exit 1
	fi
	echo "real-kernel: SKIP: no linux-headers-*-amd64 installed" >&2
	exit 77
fi
grep -q '^CONFIG_PREEMPT_RCU=y' "$kdir/.config" || {
	echo "real-kernel: $kdir: CONFIG_PREEMPT_RCU is not set; rcu_read_lock() has no GPL-only call there" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src"/Kbuild "$src"/ka_rcu_inline.c "$tmp"/
make -s -C "$kdir" M="$tmp" modules >"$tmp/build.log" 2>&1 || {
	cat "$tmp/build.log" >&2
	exit 1
}
call_line=$(grep -n 'CALL-RCU' "$tmp/ka_rcu_inline.c" | cut -d: -f1)
decl_line=$(grep -n '^static __always_inline void rcu_read_lock(void)' \
	"$kdir/../linux-headers-$(basename "$kdir" | sed 's/^linux-headers-\([0-9.]*-[0-9]*\)-.*/\1/')-common/include/linux/rcupdate.h" \
	2>/dev/null | cut -d: -f1 || true)

fail() {
	echo "real-kernel: $*" >&2
	echo "--- output:" >&2
	cat "$tmp/out" >&2
	exit 1
}

for m in "$tmp/ka_rcu_inline.o" "$tmp/ka_rcu_inline.ko"; do
	st=0
	"$ksymaudit" check --kernel "$kdir" --license Proprietary "$m" \
		>"$tmp/out" 2>&1 || st=$?
	[ "$st" = 1 ] || fail "$m: exit status $st, expected 1"
	grep -q "uses GPL-only symbol '__rcu_read_lock'" "$tmp/out" ||
		fail "$m: no gpl-only-use finding for __rcu_read_lock"
	grep -q "^ka_rcu_inline.c:$call_line: error: .*__rcu_read_lock" "$tmp/out" ||
		fail "$m: finding not at ka_rcu_inline.c:$call_line"
	grep -q "rcu_read_lock().*include/linux/rcupdate.h" "$tmp/out" ||
		fail "$m: chain does not name rcu_read_lock() in include/linux/rcupdate.h"
	grep -q "inlined into ka_rcu_peek().*ka_rcu_inline.c:$call_line" "$tmp/out" ||
		fail "$m: chain does not end at ka_rcu_peek() ka_rcu_inline.c:$call_line"

	"$ksymaudit" check --kernel "$kdir" --license Proprietary -p "$m" \
		>"$tmp/out" 2>&1 || true
	grep -q '"function": "rcu_read_lock"' "$tmp/out" ||
		fail "$m: JSON inline_chain lacks rcu_read_lock"
	grep -q '"decl_file": "include/linux/rcupdate.h"' "$tmp/out" ||
		fail "$m: JSON decl_file is not include/linux/rcupdate.h"
	if [ -n "$decl_line" ]; then
		grep -q "\"decl_line\": $decl_line" "$tmp/out" ||
			fail "$m: JSON decl_line is not $decl_line"
	fi
	grep -q "\"call_line\": $call_line" "$tmp/out" ||
		fail "$m: JSON call_line is not $call_line"
done
echo "real-kernel: ok ($kdir)"
