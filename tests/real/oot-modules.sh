#!/bin/bash
# The out-of-tree modules people run, built from Debian's DKMS packages
# against the installed generic 6.1 headers (tools/build-oot-modules.sh:
# zfs, nvidia, broadcom-sta; tools/build-openafs.sh: openafs), audited by
# `ksymaudit check` and compared with the kernel's own verdicts:
#
# 1. modpost, as it ran in each build (kept in PKG.modpost / the build log):
#    every package builds clean, and check on the objects modpost read
#    reports no gpl-only-use, namespace-not-imported, missing-license or
#    unresolved-symbol either.
# 2. modpost on the same objects against NEW kernels' Module.symvers
#    (Debian 13's 6.12 and sid's 7.x, generic amd64 headers): it reports
#    the first 10 unresolved symbols and "suppressed N" more; check -s must
#    report those 10 among exactly 10 + N (module, symbol) pairs.
# 3. The loader's rules modpost does not apply (kernel/module/main.c of
#    6.1, inherit_taint(), 5.9+): the licenses are nvidia and
#    nvidia-modeset "NVIDIA" (nv-frontend.c:29, nvidia-modeset-linux.c:1792),
#    nvidia-drm "MIT" (Debian's nvidia-drm-linux.c:182), nvidia-peermem
#    "Linux-OpenIB" (none in include/linux/license.h: proprietary; so
#    nvidia-drm, which imports from nvidia-modeset, uses no GPL-only DRM
#    export: modpost would refuse it),
#    nvidia-uvm "Dual MIT/GPL", zfs and friends "CDDL", wl
#    "MIXED/Proprietary", openafs the IBM license URL. So the only module
#    that inherits a taint is nvidia-uvm: it imports 68 nvUvmInterface*
#    symbols from nvidia.ko, and the kernel prints "nvidia_uvm: module uses
#    symbols nvUvmInterface... from proprietary module nvidia, inheriting
#    taint." It loads on Debian 12 because it uses no GPL-only symbol: none
#    of its 262 imports is EXPORT_SYMBOL_GPL in 6.1's Module.symvers
#    (recomputed below with awk). Why, from the 535 sources: uvm_linux.h
#    defines UVM_IS_CONFIG_HMM() and UVM_HMM_RANGE_FAULT_SUPPORTED() as 0
#    (no hmm_range_fault, no mmu_interval notifiers), mmu notifiers only on
#    ppc64le before 5.9 (UVM_CAN_USE_MMU_NOTIFIERS), and its GPL-only
#    candidates are guarded by conftest's NV_IS_EXPORT_SYMBOL_GPL_* (e.g.
#    uvm_ats_sva.c: iommu_dev_enable_feature only when it is GPL-only ...
#    on ARM SVA builds; nv-linux.h NV_CHECK_EXPORT_SYMBOL = present and not
#    GPL-only); it never calls rcu_read_lock() (PREEMPT_RCU=y on Debian:
#    __rcu_read_lock is GPL-only). So: one proprietary-import finding, a
#    warning that says it loads; no error anywhere (all load on Debian 12);
#    proprietary importers (nvidia-drm and nvidia-modeset from nvidia,
#    zfs from spl...) get nothing, as the kernel says nothing. None of the
#    packages calls symbol_get() (grep of their sources), so no symbol-get.
# 4. check by module name (libkmod, depmod indexes) in a fake root with the
#    modules in updates/dkms: `check --root R --release REL zfs` finds zfs
#    and its dependencies (spl, ...) and says the same as check on paths.
# Usage: oot-modules.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=$(realpath "$1")
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
rk_oot_data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# The objects modpost read, per package (modules.order, .ko -> .o).
objs() {
	local order
	for order in "$@"; do
		sed 's/\.ko$/.o/' "$order" | while read -r o; do
			case $o in /*) ;; *) o=$(dirname "$order")/$o ;; esac
			echo "$o"
		done
	done
}
objs "$oot/nvidia/modules.order" >"$tmp/nvidia.objs"
objs "$oot/broadcom-sta/modules.order" >"$tmp/broadcom-sta.objs"
objs $(find "$oot/zfs/module" -name modules.order) | sort -u >"$tmp/zfs.objs"
ls "$afs"/src/libafs/MODLOAD-*/openafs.o >"$tmp/openafs.objs"
cat "$tmp"/{nvidia,broadcom-sta,zfs,openafs}.objs >"$tmp/all.objs"
while read -r o; do [ -f "$o" ] || rk_fail "$o (from modules.order) is missing"; done <"$tmp/all.objs"
[ "$(wc -l <"$tmp/zfs.objs")" -ge 2 ] || bad "zfs: fewer than 2 modules"
[ "$(wc -l <"$tmp/nvidia.objs")" = 5 ] || bad "nvidia: not 5 modules"

# 1. modpost in the builds: clean.
for p in zfs nvidia broadcom-sta; do
	[ "$(cat "$oot/$p.status")" = 0 ] || bad "$p: the build failed"
	[ ! -s "$oot/$p.modpost" ] || bad "$p: modpost said: $(cat "$oot/$p.modpost")"
done
! grep -qE '^(ERROR|WARNING): modpost:' "$data/openafs/build-$rel.log" || bad "openafs: modpost warned"
st=0
mapfile -t all <"$tmp/all.objs"
"$bin" check -k "$kdir" -j --fail-on never "${all[@]}" >"$tmp/check.json" 2>"$tmp/check.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/check.err" >&2; rk_fail "check: exit $st"; }
jq -r '.findings[] | [.check, .severity, .module, .symbol] | @tsv' "$tmp/check.json" | sort >"$tmp/got.txt"
printf 'proprietary-import\twarning\tnvidia_uvm\t%s\n' \
	"$(jq -r '.findings[] | select(.check == "proprietary-import") | .symbol' "$tmp/check.json")" >"$tmp/want.txt"
diff -u "$tmp/want.txt" "$tmp/got.txt" >&2 || bad "check's findings are not exactly nvidia-uvm's inherited taint"
case $(jq -r '.findings[] | select(.check == "proprietary-import") | .symbol' "$tmp/check.json") in
nvUvmInterface*) ;;
*) bad "nvidia-uvm's taint does not come through an nvUvmInterface symbol" ;;
esac
jq -r '.findings[] | select(.check == "proprietary-import") | .message' "$tmp/check.json" |
	grep -q 'inheriting taint\.".*so it loads \[Linux 6\.1, kernel/module/main.c inherit_taint()' ||
	bad "the taint finding lacks the kernel's words or version"
[ "$(jq '.summary.by_severity.error' "$tmp/check.json")" = 0 ] || bad "an error on modules that load"

# 3. nvidia-uvm really uses no GPL-only export of 6.1, and imports nvidia's.
uvm=$(grep '/nvidia-uvm\.o$' "$tmp/nvidia.objs")
nm -u "$uvm" | awk '{ print $2 }' | sort -u >"$tmp/uvm.imports"
gpl=$(awk -F'\t' 'NR == FNR { i[$1] = 1; next } ($2 in i) && $4 ~ /GPL/ { print $2 }' \
	"$tmp/uvm.imports" "$kdir/Module.symvers")
[ -z "$gpl" ] || bad "nvidia-uvm uses GPL-only $gpl: it would not load, the finding must be an error"
[ "$(grep -c '^nvUvmInterface' "$tmp/uvm.imports")" -ge 10 ] || bad "nvidia-uvm imports few nvUvmInterface symbols"
# The same module made to use a GPL-only symbol is refused: --license
# cannot say it (it changes every module), so relabel nvidia-uvm's
# import in a symvers copy as GPL-only.
first=$(grep -v '^nvUvmInterface' "$tmp/uvm.imports" | while read -r s; do
	grep -q "	$s	vmlinux	EXPORT_SYMBOL	" "$kdir/Module.symvers" && { echo "$s"; break; }; done)
awk -F'\t' -v OFS='\t' -v s="$first" '$2 == s { $4 = "EXPORT_SYMBOL_GPL" } 1' "$kdir/Module.symvers" >"$tmp/gpl.symvers"
mapfile -t nv <"$tmp/nvidia.objs"
"$bin" check -s "$tmp/gpl.symvers" -j --fail-on never "${nv[@]}" >"$tmp/gpl.json" 2>/dev/null || true
jq -r '.findings[] | select(.check == "proprietary-import") | .severity + " " + .message' "$tmp/gpl.json" |
	grep -q '^error .*the loader refuses it' || bad "nvidia-uvm with GPL-only '$first' is not refused"

# 2. Against NEW's exports: unresolved symbols, as modpost counts them.
modpost=$kdir/scripts/mod/modpost
for suite in trixie sid; do
	env=$data/$suite-amd64-amd64/env-headers
	[ -s "$env" ] || rk_skip "no $env: tools/fetch-debian-kernel.sh $suite amd64 amd64 --headers"
	SYMVERS=
	eval "$(grep '^SYMVERS=' "$env")"
	"$modpost" -o "$tmp/mp.symvers" -i "$SYMVERS" -T - <"$tmp/all.objs" >"$tmp/mp.log" 2>&1 || true
	grep -E '^(ERROR|WARNING): modpost: ' "$tmp/mp.log" | rk_parse_modpost >"$tmp/mp.txt"
	more=$(sed -n 's/.*suppressed \([0-9]*\) unresolved symbol warnings.*/\1/p' "$tmp/mp.log")
	"$bin" check --no-explain -s "$SYMVERS" -j --fail-on never "${all[@]}" 2>/dev/null | rk_parse_json >"$tmp/ks.txt"
	grep -P '^unresolved-symbol\t' "$tmp/ks.txt" >"$tmp/ks.unres" || true
	grep -P '^unresolved-symbol\t' "$tmp/mp.txt" >"$tmp/mp.unres" || true
	n_mp=$(wc -l <"$tmp/mp.unres") n_ks=$(wc -l <"$tmp/ks.unres")
	[ "$n_mp" -gt 0 ] || bad "$suite: modpost reports no unresolved symbol (the comparison proves nothing)"
	comm -23 "$tmp/mp.unres" "$tmp/ks.unres" | grep . >&2 && bad "$suite: modpost's unresolved symbols missing from check"
	[ "$n_ks" = $((n_mp + ${more:-0})) ] || bad "$suite: check reports $n_ks unresolved, modpost $n_mp + ${more:-0} suppressed"
	for c in gpl-only-use namespace-not-imported missing-license; do
		rk_compare "$c" "$tmp/mp.txt" "$tmp/ks.txt" 0 >/dev/null || bad "$suite: $c differs from modpost"
	done
	echo "$suite: modpost $n_mp unresolved + ${more:-0} suppressed = check's $n_ks"
done

# 4. By name, through the depmod indexes of a fake root.
R=$tmp/root
mkdir -p "$R/lib/modules/$rel/updates/dkms" "$R/usr/src"
ln -s "$kdir" "$R/usr/src/linux-headers-$rel"
for k in $(sed 's/\.o$/.ko/' "$tmp/zfs.objs") $(sed 's/\.o$/.ko/' "$tmp/nvidia.objs"); do
	cp "$k" "$R/lib/modules/$rel/updates/dkms/"
done
depmod -b "$R" "$rel" 2>/dev/null || rk_fail "depmod -b $R $rel failed"
"$bin" check --no-explain --root "$R" --release "$rel" -j --fail-on never zfs nvidia-uvm >"$tmp/byname.json" 2>"$tmp/byname.err" ||
	{ cat "$tmp/byname.err" >&2; bad "check by name failed"; }
jq -r '.inputs[] | select(.kind == "module") | .path' "$tmp/byname.json" | sed 's|.*/||' | sort >"$tmp/byname.mods"
grep -qx 'zfs.ko' "$tmp/byname.mods" && grep -qx 'spl.ko' "$tmp/byname.mods" &&
	grep -qx 'nvidia.ko' "$tmp/byname.mods" && grep -qx 'nvidia-uvm.ko' "$tmp/byname.mods" ||
	bad "check zfs nvidia-uvm by name read: $(tr '\n' ' ' <"$tmp/byname.mods") (want zfs, spl, nvidia-uvm, nvidia and more)"
jq -r '.findings[] | [.check, .module] | @tsv' "$tmp/byname.json" >"$tmp/byname.txt"
[ "$(cat "$tmp/byname.txt")" = "$(printf 'proprietary-import\tnvidia_uvm')" ] || bad "by name: $(cat "$tmp/byname.txt")"
st=0
"$bin" check --root "$R" --release "$rel" no_such_module >/dev/null 2>"$tmp/none.err" || st=$?
[ "$st" = 2 ] && grep -q "no module or alias 'no_such_module'" "$tmp/none.err" || bad "an unknown name: exit $st"
# A merged-/usr root, as dpkg-deb -x unpacks Debian 13's and later
# packages (usr/lib/modules): without indexes the message names that
# directory and what bookworm's depmod (kmod 30) needs; with them, the same
# modules by name.
U=$tmp/usr-root
mkdir -p "$U/usr/lib/modules/$rel/updates/dkms" "$U/usr/src"
ln -s "$kdir" "$U/usr/src/linux-headers-$rel"
cp "$R/lib/modules/$rel/updates/dkms/"*.ko "$U/usr/lib/modules/$rel/updates/dkms/"
st=0
"$bin" check --root "$U" --release "$rel" zfs >/dev/null 2>"$tmp/usr.err" || st=$?
[ "$st" = 2 ] && grep -qF "$U/usr/lib/modules/$rel has no modules.dep.bin" "$tmp/usr.err" &&
	grep -qF "ln -s usr/lib ROOT/lib" "$tmp/usr.err" ||
	{ cat "$tmp/usr.err" >&2; bad "merged-/usr root without indexes: exit $st"; }
ln -s usr/lib "$U/lib"
depmod -b "$U" "$rel" 2>/dev/null || rk_fail "depmod -b $U $rel failed"
"$bin" check --no-explain --root "$U" --release "$rel" -j --fail-on never zfs nvidia-uvm >"$tmp/usr.json" 2>"$tmp/usr.err" ||
	{ cat "$tmp/usr.err" >&2; bad "check by name in a merged-/usr root failed"; }
jq -r '.inputs[] | select(.kind == "module") | .path' "$tmp/usr.json" | sed 's|.*/||' | sort >"$tmp/usr.mods"
cmp -s "$tmp/byname.mods" "$tmp/usr.mods" || bad "merged-/usr root: read $(tr '\n' ' ' <"$tmp/usr.mods")"

[ "$fail" = 0 ] || exit 1
echo "oot modules: $(wc -l <"$tmp/all.objs") modules, check = modpost + the loader's taint rule"
