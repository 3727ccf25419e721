#!/bin/bash
# symbol-get on real objects: the names a module hands to symbol_get() are
# read from its relocations, and the loader's rule (6.6's __symbol_get()
# refuses exports that are not GPL-only; Debian's 6.1 has the stable
# backport: its Module.symvers exports __symbol_get GPL-only, and
# kernel/module/main.c of linux-source-6.1 prints "failing symbol_get of
# non-GPLONLY symbol %s.") is applied to them.
#  - ka_symget.ko (built here with Kbuild against the installed headers):
#    symbol_get(jiffies_to_msecs), EXPORT_SYMBOL: a finding;
#    symbol_get(synchronize_rcu), EXPORT_SYMBOL_GPL: none.
#  - Debian's kvm.ko (6.1 cloud debug kernel) calls symbol_get() on three
#    vfio exports on x86 (virt/kvm/vfio.c: vfio_file_set_kvm,
#    vfio_file_enforced_coherent, vfio_file_is_group; the fourth,
#    vfio_file_iommu_group, is under CONFIG_SPAPR_TCE_IOMMU, powerpc only;
#    objdump shows 5 calls to __symbol_get, each loading one of these 3 strings), all
#    EXPORT_SYMBOL_GPL: no finding; against a copy of the Module.symvers
#    where they are EXPORT_SYMBOL, exactly these three.
#  - Debian's nfsv4.ko: symbol_request(nfs3_set_ds_client) (fs/nfs/
#    pnfs_nfs.c:841; symbol_request() is symbol_get() after a
#    request_module()), EXPORT_SYMBOL_GPL by nfsv3: likewise.
#  - sid's 7.x kvm.ko (tools/fetch-debian-kernel.sh sid amd64 cloud --dbg):
#    virt/kvm/vfio.c of linux-source-7.2 calls symbol_get() on
#    vfio_file_set_kvm, vfio_file_enforced_coherent, vfio_file_is_valid
#    (and vfio_file_iommu_group, powerpc only); the final .ko has no
#    .no_trim_symbol (the module linker script discards it), so the names
#    come from the relocations as on 6.1: relabelled plain, exactly those 3.
#  - All 1121 modules of that kernel: kvm and nfsv4 are the only ones that
#    import __symbol_get (nm), and no symbol-get finding: every in-tree
#    user hands it a GPL-only export, as the 6.6 change required.
# Usage: symbol-get.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=$(realpath "$1")
kdir=$(rk_find_kdir) || rk_skip "no kernel headers with Module.symvers"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

cp "$here/symbol-get/ka_symget.c" "$here/symbol-get/Kbuild" "$tmp/"
make -C "$kdir" M="$tmp" modules >"$tmp/make.log" 2>&1 || { tail -20 "$tmp/make.log" >&2; rk_fail "Kbuild failed"; }
"$bin" check -k "$kdir" -j --fail-on never "$tmp/ka_symget.ko" >"$tmp/m.json"
got=$(jq -r '.findings[] | select(.check == "symbol-get") | .symbol' "$tmp/m.json" | sort | tr '\n' ' ')
[ "$got" = "jiffies_to_msecs " ] || bad "ka_symget: symbol-get findings '$got', want 'jiffies_to_msecs'"
jq -r '.findings[] | select(.check == "symbol-get") | .message' "$tmp/m.json" |
	grep -q 'failing symbol_get of non-GPLONLY symbol jiffies_to_msecs' || bad "the finding lacks the kernel's words"

eval "$(rk_installed_kernel)"
kvm=$(find "$DEBUG_MODULES" -name 'kvm.ko*' -print -quit 2>/dev/null)
[ -n "$kvm" ] && [ -s "$SYMVERS" ] || rk_skip "no kvm.ko under $DEBUG_MODULES or no $SYMVERS"
"$bin" check --no-explain -s "$SYMVERS" -j --fail-on never "$kvm" >"$tmp/kvm.json"
[ "$(jq '[.findings[] | select(.check == "symbol-get")] | length' "$tmp/kvm.json")" = 0 ] ||
	bad "kvm.ko: symbol-get finding on GPL-only exports"
nfs=$(find "$DEBUG_MODULES" -name 'nfsv4.ko*' -print -quit)
[ -n "$nfs" ] || rk_skip "no nfsv4.ko under $DEBUG_MODULES"
vf='vfio_file_set_kvm|vfio_file_enforced_coherent|vfio_file_is_group'
awk -F'\t' -v OFS='\t' -v re="^($vf)\$" '$2 ~ re { $4 = "EXPORT_SYMBOL" } 1' "$SYMVERS" >"$tmp/plain.symvers"
[ "$(grep -cE "	($vf)	" "$tmp/plain.symvers")" = 3 ] || rk_fail "the three vfio exports are not all in $SYMVERS"
"$bin" check --no-explain -s "$tmp/plain.symvers" -j --fail-on never "$kvm" >"$tmp/kvm2.json"
got=$(jq -r '.findings[] | select(.check == "symbol-get") | .symbol' "$tmp/kvm2.json" | sort | tr '\n' ' ')
want=$(echo "$vf" | tr '|' '\n' | sort | tr '\n' ' ')
[ "$got" = "$want" ] || bad "kvm.ko with plain vfio exports: symbol-get '$got', want '$want'"
awk -F'\t' -v OFS='\t' '$2 == "nfs3_set_ds_client" { $4 = "EXPORT_SYMBOL" } 1' "$SYMVERS" >"$tmp/nfs.symvers"
got=$("$bin" check --no-explain -s "$tmp/nfs.symvers" -j --fail-on never "$nfs" |
	jq -r '.findings[] | select(.check == "symbol-get") | .symbol' | tr '\n' ' ')
[ "$got" = "nfs3_set_ds_client " ] || bad "nfsv4.ko with a plain nfs3_set_ds_client: symbol-get '$got'"
"$bin" check --no-explain -s "$SYMVERS" -j --fail-on never "$DEBUG_MODULES" >"$tmp/all.json" 2>/dev/null || true
[ "$(jq '[.inputs[] | select(.kind == "module")] | length' "$tmp/all.json")" -gt 500 ] || bad "the whole tree was not read"
[ "$(jq '[.findings[] | select(.check == "symbol-get")] | length' "$tmp/all.json")" = 0 ] ||
	bad "symbol-get findings in Debian's own modules"
env72=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}/sid-amd64-cloud/env-dbg
[ -s "$env72" ] || rk_skip "no $env72: tools/fetch-debian-kernel.sh sid amd64 cloud --dbg"
DEBUG_MODULES= SYMVERS=
eval "$(grep -E '^(DEBUG_MODULES|SYMVERS)=' "$env72")"
kvm72=$(find "$DEBUG_MODULES" -name 'kvm.ko*' -print -quit)
[ -n "$kvm72" ] || rk_skip "no kvm.ko under $DEBUG_MODULES"
awk -F'\t' -v OFS='\t' '$2 ~ /^vfio_file_/ { $4 = "EXPORT_SYMBOL" } 1' "$SYMVERS" >"$tmp/s72.symvers"
got=$("$bin" check --no-explain -s "$tmp/s72.symvers" -j --fail-on never "$kvm72" |
	jq -r '.findings[] | select(.check == "symbol-get") | .symbol' | sort | tr '\n' ' ')
[ "$got" = "vfio_file_enforced_coherent vfio_file_is_valid vfio_file_set_kvm " ] ||
	bad "7.x kvm.ko with plain vfio exports: symbol-get '$got'"
[ "$fail" = 0 ] || exit 1
echo "symbol-get: ka_symget and kvm.ko as the loader decides"
