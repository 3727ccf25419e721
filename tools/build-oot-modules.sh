#!/bin/bash
# Builds the out-of-tree modules people run from Debian's DKMS source
# packages, against installed Debian kernel headers, without dkms and without
# installing the packages: real non-GPL test data for ksymaudit.
#
#   tools/build-oot-modules.sh [--release KERNEL-RELEASE] [PACKAGE...]
#
# PACKAGE is one of (default: all three)
#   zfs          zfs-dkms (contrib; CDDL): spl.ko, zfs.ko and 7 more
#   nvidia       nvidia-kernel-dkms (non-free): nvidia.ko ("NVIDIA", links
#                the binary blob nv-kernel.o_binary that the package ships),
#                nvidia-modeset.ko (its blob too), and the companions
#                nvidia-drm.ko, nvidia-uvm.ko, nvidia-peermem.ko that import
#                from nvidia.ko
#   broadcom-sta broadcom-sta-dkms (non-free; "MIXED/Proprietary"): wl.ko
# (OpenAFS has its own script, tools/build-openafs.sh.)
#
# KERNEL-RELEASE defaults to the one linux-headers-amd64 depends on; its
# headers must be installed (/lib/modules/REL/build and .../source).
#
# The packages come from the host's suite with the components contrib and
# non-free added, through a private apt configuration under
# $KSYMAUDIT_DATA/apt/SUITE-ARCH-oot (tools/private-apt.sh; the machine's
# own sources are never touched). Each is built the way its dkms.conf says,
# with kernelver=KERNEL-RELEASE, kernel_source_dir=/lib/modules/REL/build:
#   zfs:          ./configure --prefix=/usr --with-config=kernel
#                   --with-linux=/lib/modules/REL/source
#                   --with-linux-obj=/lib/modules/REL/build
#                   --enable-debuginfo   (what ZFS_DKMS_ENABLE_DEBUGINFO=y in
#                                         /etc/dkms/zfs.conf adds)
#                 make
#   nvidia:       env NV_VERBOSE=1 make -jN modules KERNEL_UNAME=REL
#   broadcom-sta: make KVER=REL
# in a fresh copy of usr/src/PACKAGE-VERSION, at nice 10 with -j2 at most
# (the machine is shared). Kbuild compiles with the kernel's own -g, so the
# modules keep their DWARF (dkms would strip them when installing).
# modpost runs as part of each build; its lines (ERROR:/WARNING: modpost:)
# are kept in PKG.modpost, with the build's exit status in PKG.status.
#
# $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data)/oot holds debs/ (the
# .deb files), src/PACKAGE (dpkg-deb -x) and REL/PACKAGE (the build tree),
# REL/PACKAGE.log, REL/PACKAGE.modpost, REL/PACKAGE.status.
# Prints KEY=VALUE lines for `eval`: RELEASE HEADERS OOT (= .../oot/REL),
# and per package ZFS, NVIDIA, BROADCOM_STA (the build tree) and ZFS_KOS,
# NVIDIA_KOS, BROADCOM_STA_KOS (the modules, space-separated).
# A second run with the stamps present finishes in seconds.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }
usage() { echo "usage: $prog [--release KERNEL-RELEASE] [zfs|nvidia|broadcom-sta]..." >&2; exit 2; }

release= pkgs=()
while [ $# -gt 0 ]; do
	case $1 in
	--release) [ $# -ge 2 ] || usage; release=$2; shift ;;
	-h|--help) usage ;;
	zfs|nvidia|broadcom-sta) pkgs+=("$1") ;;
	*) echo "$prog: unknown package or option '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#pkgs[@]} -gt 0 ] || pkgs=(zfs nvidia broadcom-sta)

data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
if [ -z "$release" ]; then
	# the generic flavour of the archive's current ABI (tools/installed-kernel.sh)
	release=$(eval "$(bash "$(dirname "$0")/installed-kernel.sh" 2>/dev/null)" && echo "$ABI-amd64") || release=
	[ -n "$release" ] || die "no --release given and linux-headers-amd64 is not installed (tools/setup-debian.sh installs it)"
fi
kbuild=/lib/modules/$release/build
ksource=/lib/modules/$release/source
[ -f "$kbuild/Module.symvers" ] && [ -f "$kbuild/Makefile" ] ||
	die "no kernel headers for $release at $kbuild (apt-get install linux-headers-$release)"
[ -d "$ksource/include" ] || ksource=$kbuild
headers=$(cd "$kbuild" && pwd -P)

top=$data/oot
out=$top/$release
mkdir -p "$top/debs" "$top/src" "$out"
jobs=$(nproc)
[ "$jobs" -le 2 ] || jobs=2

deb_name() { # PACKAGE -> Debian package
	case $1 in
	zfs) echo zfs-dkms ;; nvidia) echo nvidia-kernel-dkms ;; broadcom-sta) echo broadcom-sta-dkms ;;
	esac
}
kos() { # PACKAGE -> its built modules
	local b=$out/$1
	case $1 in
	zfs) ls "$b"/module/*/*.ko 2>/dev/null ;;
	nvidia) ls "$b"/nvidia*.ko 2>/dev/null ;;
	broadcom-sta) ls "$b"/wl.ko 2>/dev/null ;;
	esac
}
report() {
	local p key
	printf '%s=%q\n' RELEASE "$release" HEADERS "$headers" OOT "$out"
	for p in "${pkgs[@]}"; do
		key=$(echo "$p" | tr a-z- A-Z_)
		printf '%s=%q\n' "$key" "$out/$p" "${key}_KOS" "$(kos "$p" | tr '\n' ' ' | sed 's/ $//')"
	done
}

todo=()
for p in "${pkgs[@]}"; do
	[ -s "$out/$p.stamp" ] && [ -n "$(kos "$p")" ] || todo+=("$p")
done
if [ ${#todo[@]} -eq 0 ]; then
	log "already built (${pkgs[*]} in $out)"
	report
	exit 0
fi

# --- tools ------------------------------------------------------------------
. "$here/private-apt.sh"
ensure_packages make gcc libc6-dev perl kmod flex bison file python3 libelf-dev

# --- the sources: host suite + contrib non-free, private apt ----------------
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
arch=$(dpkg --print-architecture)
aptdir=$data/apt/$suite-$arch-oot
mkdir -p "$aptdir"
exec 9>"$aptdir/.lock"
flock -w 3600 9 || die "another $prog holds $aptdir/.lock"
got_lists=false
fetch() { # PACKAGE -> the unpacked source directory on stdout
	local p=$1 dp fn deb dir
	dp=$(deb_name "$p")
	deb=$(ls "$top"/debs/"${dp}"_*.deb 2>/dev/null | tail -n1 || true)
	if [ -z "$deb" ]; then
		if ! $got_lists; then
			PRIVATE_APT_DIR=$aptdir PRIVATE_APT_SUITE=$suite PRIVATE_APT_ARCH=$arch \
			PRIVATE_APT_COMPONENTS="main contrib non-free" PRIVATE_APT_REFRESH=false private_apt
			got_lists=true
		fi
		fn=$(field "$dp" Filename)
		[ -n "$fn" ] || die "$dp is not in $suite/$arch (contrib, non-free; sources: $aptdir/sources.list)"
		log "downloading $dp ($(($(field "$dp" Size) / 1048576)) MiB)"
		(cd "$top/debs" && apt-get "${aptopts[@]}" -q download "$dp" >&2) || die "apt-get download $dp failed"
		deb=$top/debs/${fn##*/}
		[ -s "$deb" ] || die "apt-get download $dp left no ${fn##*/}"
	fi
	dir=$top/src/$p
	if [ "$(cat "$dir/.ksymaudit-unpacked" 2>/dev/null)" != "${deb##*/}" ]; then
		rm -rf "$dir"
		dpkg-deb -x "$deb" "$dir" >&2 || die "dpkg-deb -x $deb failed"
		echo "${deb##*/}" > "$dir/.ksymaudit-unpacked"
	fi
	ls -d "$dir"/usr/src/*/dkms.conf 2>/dev/null | sed -n 1p | xargs -r dirname
}

# --- dkms.conf's recipes ------------------------------------------------------
recipe() { # PACKAGE (in its build tree)
	case $1 in
	zfs)
		./configure --prefix=/usr --with-config=kernel --with-linux="$ksource" \
			--with-linux-obj="$kbuild" --enable-debuginfo &&
		make -j"$jobs" ;;
	nvidia)
		env NV_VERBOSE=1 make -j"$jobs" modules KERNEL_UNAME="$release" ;;
	broadcom-sta)
		make -j"$jobs" KVER="$release" ;;
	esac
}
expect() { # PACKAGE: a string its dkms.conf has while it matches recipe()
	case $1 in
	zfs) echo '--with-linux-obj=' ;; nvidia) echo 'KERNEL_UNAME=${kernelver}' ;;
	broadcom-sta) echo 'make KVER=$kernelver' ;;
	esac
}

for p in "${todo[@]}"; do
	src=$(fetch "$p")
	[ -n "$src" ] || die "no usr/src/*/dkms.conf in the $(deb_name "$p") package"
	grep -qF -- "$(expect "$p")" "$src/dkms.conf" ||
		log "WARNING: $src/dkms.conf no longer looks like the recipe this script copies; check it"
	b=$out/$p
	rm -rf "$b" "$out/$p.stamp"
	cp -a "$src" "$b"
	logf=$out/$p.log
	t0=$(date +%s)
	log "building $p against $release (log: $logf)"
	st=0
	(cd "$b" && nice -n 10 bash -c "$(declare -f recipe); jobs=$jobs ksource='$ksource' kbuild='$kbuild' release='$release'; recipe $p") >"$logf" 2>&1 || st=$?
	grep -E '^(ERROR|WARNING): modpost:' "$logf" > "$out/$p.modpost" || true
	echo "$st" > "$out/$p.status"
	if [ "$st" != 0 ] || [ -z "$(kos "$p")" ]; then
		grep -n -m 20 -E 'error|Error' "$logf" >&2 || tail -n 30 "$logf" >&2
		die "$p failed against $release (exit $st, full log: $logf)"
	fi
	log "$p: $(kos "$p" | wc -l) modules in $(( $(date +%s) - t0 )) s, modpost: $(wc -l < "$out/$p.modpost") lines"
	echo "$(basename "$src") $release" > "$out/$p.stamp"
done
report
