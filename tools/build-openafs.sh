#!/bin/bash
# Builds the OpenAFS kernel module (openafs.ko) from Debian's
# openafs-modules-dkms sources against installed Debian kernel headers,
# without dkms: real out-of-tree, non-GPL test data for ksymaudit (OpenAFS is
# under the IBM Public License; its module declares MODULE_LICENSE
# "http://www.openafs.org/dl/license10.html", and it was one of the modules
# the 4.18 put_page() change broke).
#
#   tools/build-openafs.sh [KERNEL-RELEASE]
#
# KERNEL-RELEASE defaults to the one linux-headers-amd64 depends on (e.g.
# 6.1.0-NN-amd64); its headers must be installed under
# /usr/src/linux-headers-KERNEL-RELEASE (or /lib/modules/REL/build).
# Missing build tools are installed with apt-get (as root).
#
# Does what the package's dkms.conf does, with kernelver=KERNEL-RELEASE:
#   AFS_SYSNAME from the flavour field of the release (amd64 -> amd64_linux26,
#   486/686 -> i386_linux26, anything else: no --with-afs-sysname), then
#   ./configure --disable-linux-syscall-probing --with-afs-sysname=SYSNAME \
#               --with-linux-kernel-packaging \
#               --with-linux-kernel-headers=/usr/src/linux-headers-REL
#   make
#   openafs.ko from src/libafs/MODLOAD-*/
# in a fresh copy of usr/src/openafs-VERSION of the unpacked .deb, with
# `make -jN` (N = CPUs) instead of dkms's plain make.
#
# $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data)/openafs then holds:
#   openafs-modules-dkms_*.deb, pkg/ (dpkg-deb -x), build-REL/ (the build
#   tree: the module's .o files are in build-REL/src/libafs/MODLOAD-*/),
#   openafs-REL.ko, build-REL.log
# Prints KEY=VALUE lines for `eval`: RELEASE KO MODLOAD HEADERS SRC.
# A second run with openafs-REL.ko present finishes in seconds.
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }
[ $# -le 1 ] && [ "${1:-}" != -h ] && [ "${1:-}" != --help ] ||
	{ echo "usage: $prog [KERNEL-RELEASE]" >&2; exit 2; }

data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
out=$data/openafs
mkdir -p "$out"

release=${1:-}
if [ -z "$release" ]; then
	# the generic flavour of the archive's current ABI (tools/installed-kernel.sh)
	release=$(eval "$(bash "$(dirname "$0")/installed-kernel.sh" 2>/dev/null)" && echo "$ABI-amd64") || release=
	[ -n "$release" ] || die "no KERNEL-RELEASE given and linux-headers-amd64 is not installed (tools/setup-debian.sh installs it)"
fi
headers=/usr/src/linux-headers-$release
[ -d "$headers" ] || headers=/lib/modules/$release/build
[ -f "$headers/Module.symvers" ] && [ -f "$headers/Makefile" ] ||
	die "no kernel headers for $release (apt-get install linux-headers-$release)"
headers=$(cd "$headers" && pwd -P)

ko=$out/openafs-$release.ko
build=$out/build-$release
report() {
	local modload
	modload=$(ls -d "$build"/src/libafs/MODLOAD-* 2>/dev/null | sed -n 1p)
	printf '%s=%q\n' RELEASE "$release" KO "$ko" MODLOAD "$modload" HEADERS "$headers" SRC "$build"
}
if [ -s "$ko" ] && [ -s "$out/stamp-$release" ]; then
	log "already built ($ko)"
	report
	exit 0
fi

# --- tools ------------------------------------------------------------------
. "$(dirname "$0")/private-apt.sh"
ensure_packages make gcc libc6-dev perl kmod flex bison

# --- the sources --------------------------------------------------------------
deb=$(ls "$out"/openafs-modules-dkms_*.deb 2>/dev/null | tail -n1 || true)
if [ -z "$deb" ]; then
	log "apt-get download openafs-modules-dkms"
	(cd "$out" && apt-get -q -o APT::Sandbox::User=root download openafs-modules-dkms >&2) ||
		die "apt-get download openafs-modules-dkms failed (is the archive in /etc/apt/sources.list? try apt-get update)"
	deb=$(ls "$out"/openafs-modules-dkms_*.deb | tail -n1)
fi
if [ ! -e "$out/pkg/.ksymaudit-unpacked" ]; then
	rm -rf "$out/pkg"
	dpkg-deb -x "$deb" "$out/pkg" || die "dpkg-deb -x $deb failed"
	touch "$out/pkg/.ksymaudit-unpacked"
fi
srcdir=$(ls -d "$out"/pkg/usr/src/openafs-* 2>/dev/null | sed -n 1p)
[ -n "$srcdir" ] && [ -f "$srcdir/dkms.conf" ] || die "no usr/src/openafs-*/dkms.conf in $deb"

# --- dkms.conf's recipe -------------------------------------------------------
case $(echo "$release" | cut -d- -f3) in
amd64) sysname=amd64_linux26 ;;
486|686) sysname=i386_linux26 ;;
*) sysname= ;;
esac
grep -q -- '--with-linux-kernel-packaging' "$srcdir/dkms.conf" ||
	log "WARNING: $srcdir/dkms.conf no longer looks like the recipe this script copies; check it"

rm -rf "$build"
cp -a "$srcdir" "$build"
logf=$out/build-$release.log
: > "$logf"
t0=$(date +%s)
log "configure (sysname ${sysname:-default}) against $headers (log: $logf)"
(cd "$build" && ./configure --disable-linux-syscall-probing ${sysname:+--with-afs-sysname=$sysname} \
	--with-linux-kernel-packaging --with-linux-kernel-headers="$headers") >>"$logf" 2>&1 ||
	{ tail -n 30 "$logf" >&2; die "configure failed (full log: $logf, config.log: $build/config.log)"; }
log "make -j$(nproc)"
(cd "$build" && make -j"$(nproc)") >>"$logf" 2>&1 ||
	{ grep -n -m 20 -E 'error|Error' "$logf" >&2 || true; die "make failed against $release (full log: $logf)"; }
built=$(ls "$build"/src/libafs/MODLOAD-*/openafs.ko 2>/dev/null | sed -n 1p)
[ -n "$built" ] || die "make succeeded but left no src/libafs/MODLOAD-*/openafs.ko (log: $logf)"
cp -p "$built" "$ko"
log "built $(modinfo -F license "$ko" 2>/dev/null | sed 's/^/license: /') in $(( $(date +%s) - t0 )) s"
echo "$deb $release" > "$out/stamp-$release"
report
