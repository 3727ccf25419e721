#!/bin/bash
# The upgrade audit as a package hook sees it, in a fake root (never the
# host's /lib/modules or /etc): examples/kernel-hooks/zz-ksymaudit (Debian's
# /etc/kernel/postinst.d), examples/dkms/ksymaudit-post-build and the exit
# statuses of `ksymaudit upgrade` they rely on (0 nothing breaks, 1 a module
# breaks, 2 an input is missing).
# OLD is the installed generic headers' release; NEW a pretend release whose
# Module.symvers is OLD's with msleep made EXPORT_SYMBOL_GPL, so the
# proprietary ka_vendor_hook.ko (built here, calling msleep) breaks; NEW2
# has OLD's exports unchanged. The module sits in updates/dkms and, a
# second copy, in DKMS's tree (var/lib/dkms): audited once.
# Usage: kernel-hook.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=$(realpath "$1")
src=$(cd "$here/../.." && pwd)
kdir=$(rk_find_kdir) || rk_skip "no kernel headers with Module.symvers"
rel=$(rk_kdir_release "$kdir")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

mkdir "$tmp/mod"
cp "$here/hook-module/"* "$tmp/mod/"
make -C "$kdir" M="$tmp/mod" modules >"$tmp/make.log" 2>&1 || { tail -20 "$tmp/make.log" >&2; rk_fail "Kbuild failed"; }

R=$tmp/root new=99.0.0-ksymaudit-new new2=99.0.0-ksymaudit-same
mkdir -p "$R/lib/modules/$rel/updates/dkms" "$R/var/lib/dkms/ka-vendor/1.0/$rel/x86_64/module" \
	"$R/usr/src/linux-headers-$new" "$R/usr/src/linux-headers-$new2"
cp "$tmp/mod/ka_vendor_hook.ko" "$R/lib/modules/$rel/updates/dkms/"
cp "$tmp/mod/ka_vendor_hook.ko" "$R/var/lib/dkms/ka-vendor/1.0/$rel/x86_64/module/"
ln -s "$kdir" "$R/usr/src/linux-headers-$rel"
awk -F'\t' -v OFS='\t' '$2 == "msleep" { $4 = "EXPORT_SYMBOL_GPL" } 1' "$kdir/Module.symvers" \
	>"$R/usr/src/linux-headers-$new/Module.symvers"
grep -q '	msleep	vmlinux	EXPORT_SYMBOL_GPL' "$R/usr/src/linux-headers-$new/Module.symvers" ||
	rk_fail "msleep is not in $kdir/Module.symvers"
cp "$kdir/Module.symvers" "$R/usr/src/linux-headers-$new2/Module.symvers"

st=0
"$bin" upgrade --root "$R" --from "$rel" --to "$new" -j -o "$tmp/up.json" 2>"$tmp/up.err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/up.err" >&2; bad "upgrade to $new: exit $st, want 1"; }
got=$(jq -r '.findings[] | [.check, .severity, .module, .symbol] | @tsv' "$tmp/up.json")
want=$(printf 'module-breaks\terror\tka_vendor_hook\tmsleep')
[ "$got" = "$want" ] || bad "upgrade findings: '$got', want '$want' (the module once, msleep)"
[ "$(jq -r .command "$tmp/up.json")" = upgrade ] || bad "JSON command is not upgrade"
"$bin" upgrade --root "$R" --from "$rel" --to "$new" -f sarif -o "$tmp/up.sarif" 2>/dev/null || true
[ "$(jq -r '.runs[0].results[0].ruleId' "$tmp/up.sarif")" = module-breaks ] || bad "SARIF has no module-breaks result"

st=0
"$bin" upgrade --root "$R" --from "$rel" --to "$new2" >"$tmp/same.txt" 2>&1 || st=$?
[ "$st" = 0 ] || { cat "$tmp/same.txt" >&2; bad "upgrade to $new2 (same exports): exit $st, want 0"; }
st=0
"$bin" upgrade --root "$R" --from "$rel" --to 99.0.0-ksymaudit-absent >"$tmp/absent.txt" 2>&1 || st=$?
[ "$st" = 2 ] || bad "upgrade to a release without headers: exit $st, want 2"
grep -q 'no Module.symvers of 99.0.0-ksymaudit-absent' "$tmp/absent.txt" || bad "no message naming the missing headers"

# The hook: warns, never fails the installation.
hook=$src/examples/kernel-hooks/zz-ksymaudit
run_hook() {
	KSYMAUDIT=$bin KSYMAUDIT_ROOT=$R KSYMAUDIT_FROM=$rel sh "$hook" "$1" >"$tmp/hook.out" 2>&1
}
run_hook "$new" || bad "hook exit $? for $new"
grep -q "WARNING: out-of-tree modules of $rel will not work with $new" "$tmp/hook.out" &&
	grep -q "msleep" "$tmp/hook.out" || { cat "$tmp/hook.out" >&2; bad "hook did not warn about msleep"; }
! grep -q "installed for $new" "$tmp/hook.out" || { cat "$tmp/hook.out" >&2; bad "hook audited modules of $new that are not there"; }
run_hook "$new2" || bad "hook exit $? for $new2"
[ ! -s "$tmp/hook.out" ] || { cat "$tmp/hook.out" >&2; bad "hook printed something for $new2"; }
# After DKMS installed a module for NEW (here the same binary, as if
# rebuilt): the hook checks it against NEW's Module.symvers too.
for n in "$new" "$new2"; do
	mkdir -p "$R/lib/modules/$n/updates/dkms"
	cp "$tmp/mod/ka_vendor_hook.ko" "$R/lib/modules/$n/updates/dkms/"
done
run_hook "$new" || bad "hook exit $? for $new with its modules"
grep -q "WARNING: out-of-tree modules installed for $new will not load there" "$tmp/hook.out" &&
	grep -q "GPL-only symbol 'msleep'" "$tmp/hook.out" ||
	{ cat "$tmp/hook.out" >&2; bad "hook did not check the module installed for $new"; }
run_hook "$new2" || bad "hook exit $? for $new2 with its modules"
[ ! -s "$tmp/hook.out" ] || { cat "$tmp/hook.out" >&2; bad "hook printed something for $new2 with its modules"; }
run_hook 99.0.0-ksymaudit-absent || bad "hook exit $? without headers"
grep -q 'could not audit' "$tmp/hook.out" || bad "hook did not say it could not audit"

# The DKMS step, in the module's build tree, for the release it was built for.
touch -d '1 hour ago' "$tmp/mod/Kbuild"
cp "$tmp/mod/Kbuild" "$tmp/mod/dkms.conf"; touch -d '1 hour ago' "$tmp/mod/dkms.conf"
out=$(KSYMAUDIT=$bin sh "$src/examples/dkms/ksymaudit-post-build" "$rel" "$tmp/mod" 2>&1) ||
	bad "DKMS step failed: $out"
grep -q '0 errors, 0 warnings, 0 notes in 1 module' <<<"$out" || bad "DKMS step: '$out'"
[ "$fail" = 0 ] || exit 1
echo "kernel hook, DKMS step and upgrade exit statuses as documented"
