#!/bin/sh
# ksymaudit check on the fixture kernels of every encoding, word size and byte
# order: exact findings, exit statuses, and the machine-mismatch warning.
# Usage: test-check-fixtures.sh KSYMAUDIT FIXTURES_DIR EXPECTED_DIR
set -eu
export LC_ALL=C
bin=$1 fx=$2 exp=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ran=0
skipped=0

for t in x86_64-prel32 x86_64-export i686-abs ppc64-abs2 ppc64-export aarch64-prel32 x86_64-kflags ppc64-kflags; do
	d=$fx/$t
	if [ -f "$d/SKIPPED" ]; then
		if [ "${CI:-}" = true ] || [ "${KSYMAUDIT_REQUIRE_REAL:-}" = 1 ]; then
			echo "FAIL $t: fixture not built: $(cat "$d/SKIPPED")"; fail=1
		fi
		echo "skip $t: $(cat "$d/SKIPPED")"
		skipped=$((skipped + 1))
		continue
	fi
	# *-kflags (7.x): mod-proprietary and mod-user also use the
	# module-restricted ka_formods_func, which lists mod-gpl, mod-d* and
	# mod_user (not mod-user: modpost refuses it, see the fixtures README).
	case $t in ppc64-abs2) want=$exp/expected-check-ksymtab2.txt ;;
	*-kflags) want=$exp/expected-check-kflags.txt ;;
	*) want=$exp/expected-check-ksymtab3.txt ;; esac
	for kernel in "--vmlinux $d/vmlinux" "--symvers $d/Module.symvers"; do
		status=0
		# shellcheck disable=SC2086
		"$bin" check $kernel -j "$d/mod-gpl.ko" "$d/mod-proprietary.ko" \
			"$d/mod-user.ko" "$d/mod-nolicense.ko" "$d/mod-dual.ko" \
			>"$tmp/out.json" || status=$?
		python3 "$here/findings.py" <"$tmp/out.json" >"$tmp/got.txt"
		ran=$((ran + 1))
		if ! diff -u "$want" "$tmp/got.txt"; then
			echo "FAIL $t ($kernel): findings differ"; fail=1
		fi
		[ "$status" = 1 ] || { echo "FAIL $t: exit $status, expected 1"; fail=1; }
	done
	# Clean modules exit 0; --fail-on warning catches the unresolved one.
	status=0; "$bin" check --vmlinux "$d/vmlinux" "$d/mod-gpl.ko" "$d/mod-dual.ko" >/dev/null || status=$?
	[ "$status" = 0 ] || { echo "FAIL $t: clean modules exit $status"; fail=1; }
	status=0; "$bin" check --vmlinux "$d/vmlinux" --fail-on never "$d/mod-proprietary.ko" >/dev/null || status=$?
	[ "$status" = 0 ] || { echo "FAIL $t: --fail-on never exit $status"; fail=1; }
	# Compressed copies give the same verdict as the plain module.
	for c in ko.xz ko.zst ko.gz; do
		[ -f "$d/mod-gpl.$c" ] || continue
		"$bin" check --vmlinux "$d/vmlinux" --license Proprietary -j "$d/mod-gpl.$c" |
			python3 "$here/findings.py" >"$tmp/c.txt"
		"$bin" check --vmlinux "$d/vmlinux" --license Proprietary -j "$d/mod-gpl.ko" |
			python3 "$here/findings.py" >"$tmp/p.txt"
		if ! [ -s "$tmp/p.txt" ] || ! cmp -s "$tmp/c.txt" "$tmp/p.txt"; then
			echo "FAIL $t: $c verdict differs from .ko"; fail=1
		fi
	done
done

# A module of another machine than the vmlinux is a warning that says so.
if [ -f "$fx/i686-abs/mod-gpl.ko" ] && [ -f "$fx/x86_64-prel32/vmlinux" ]; then
	out=$("$bin" check --vmlinux "$fx/x86_64-prel32/vmlinux" --fail-on never \
		"$fx/i686-abs/mod-gpl.ko" 2>&1)
	echo "$out" | grep -q "warning: module is for Intel 80386, 32-bit little-endian but the kernel image .*x86_64-prel32/vmlinux is for AMD x86-64, 64-bit little-endian \[machine-mismatch\]" ||
		{ echo "FAIL machine-mismatch: $out"; fail=1; }
fi

[ "$ran" -gt 0 ] || { echo "FAIL: no fixture was audited"; fail=1; }
[ "$fail" = 0 ] && [ "$skipped" -gt 0 ] && { echo "SKIP: $skipped fixture targets were not built"; exit 77; }
exit $fail
