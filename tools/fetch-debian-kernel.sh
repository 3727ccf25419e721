#!/bin/bash
# Downloads (never installs) a Debian kernel of any suite and architecture and
# unpacks it, as real test data for ksymaudit.
#
#   tools/fetch-debian-kernel.sh [--refresh] SUITE ARCH FLAVOUR [--dbg|--headers]
#   tools/fetch-debian-kernel.sh [--refresh] SUITE ARCH --source
#
#   tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg
#   tools/fetch-debian-kernel.sh bookworm s390x s390x
#   tools/fetch-debian-kernel.sh bookworm arm64 cloud
#   tools/fetch-debian-kernel.sh bookworm i386 686
#
# SUITE is a Debian codename (bookworm, trixie, ...), ARCH a Debian
# architecture, FLAVOUR the kernel flavour: the image metapackage is
# linux-image-FLAVOUR-ARCH if it exists (cloud-amd64, cloud-arm64), else
# linux-image-FLAVOUR (686, s390x, arm64).  The ABI (the RELEASE, e.g.
# 6.12.NN+deb13-cloud-amd64) is what that metapackage depends on in SUITE.
#
# Fetched with `apt-get download` through a separate apt configuration under
# $KSYMAUDIT_DATA/apt/SUITE-ARCH (own sources list, lists, cache, empty dpkg
# status, APT::Architecture=ARCH), so the machine's apt state is never
# touched.  The archive URIs and keyrings are the ones this machine's
# /etc/apt/sources.list{,.d/*.list,.d/*.sources} name for its own codename
# (e.g. deb.debian.org/debian for bookworm and bookworm-updates,
# deb.debian.org/debian-security for bookworm-security), with the codename
# replaced by SUITE.
#
# Packages (cached in $KSYMAUDIT_DATA/debs, unpacked with dpkg-deb -x into
# $KSYMAUDIT_DATA/SUITE-ARCH-FLAVOUR/root):
#   linux-image-RELEASE          vmlinuz, stripped modules (.ko or .ko.xz)
#   linux-image-RELEASE-dbg      with --dbg: vmlinux with DWARF and the
#                                modules with DWARF under usr/lib/debug
#   linux-headers-RELEASE        Module.symvers, .config (arch-specific)
#   linux-headers-*-common       include/, the rest of the header tree
#
# With --headers only the two headers packages are fetched (a flavour's
# Module.symvers, e.g. the generic amd64 one out-of-tree modules are built
# for); the stamp is env-headers and MODULES and VMLINUZ may be empty.
#
# Prints KEY=VALUE lines (shell-quoted) to stdout for `eval`:
#   RELEASE ROOT VMLINUX (empty without --dbg) VMLINUZ MODULES DEBUG_MODULES
#   (empty without --dbg) SYMVERS HEADERS CONFIG
# Progress goes to stderr.  A second run finds the stamp
# ROOT/../env[-dbg] and only prints it; --refresh re-reads the archive
# indexes (apt-get update) and fetches a newer ABI if there is one.
#
# With --source it fetches SUITE's kernel sources instead: the package
# linux-source-X.Y that the metapackage linux-source depends on, unpacked into
# $KSYMAUDIT_DATA/SUITE-source/root (the tarball stays packed), and prints
# VERSION (the package version) SERIES (X.Y) TARBALL; the stamp is
# $KSYMAUDIT_DATA/SUITE-source/env.
#
# Environment: KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data).
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }
usage() { echo "usage: $prog [--refresh] SUITE ARCH FLAVOUR [--dbg|--headers] | [--refresh] SUITE ARCH --source" >&2; exit 2; }

dbg=false refresh=false headers_only=false source=false
args=()
for a in "$@"; do
	case $a in
	--dbg) dbg=true ;;
	--headers) headers_only=true ;;
	--refresh) refresh=true ;;
	--source) source=true ;;
	-h|--help) usage ;;
	-*) echo "$prog: unknown option $a" >&2; usage ;;
	*) args+=("$a") ;;
	esac
done
if $source; then
	[ ${#args[@]} -eq 2 ] && ! $dbg && ! $headers_only || usage
	args+=(source)
fi
[ ${#args[@]} -eq 3 ] || usage
suite=${args[0]} arch=${args[1]} flavour=${args[2]}
case $suite$arch$flavour in
*[!a-z0-9.+-]*) die "SUITE, ARCH and FLAVOUR must be plain names (got '$suite' '$arch' '$flavour')" ;;
esac

data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
top=$data/$suite-$arch-$flavour
$source && top=$data/$suite-source
root=$top/root
envfile=$top/env$($dbg && echo -dbg || true)
if $headers_only; then
	$dbg && usage
	envfile=$top/env-headers
fi
aptdir=$data/apt/$suite-$arch
debs=$data/debs

if ! $refresh && [ -s "$envfile" ] && [ -d "$root" ]; then
	log "already fetched ($envfile)"
	cat "$envfile"
	exit 0
fi

for t in apt-get apt-cache dpkg-deb flock; do
	command -v $t >/dev/null || die "$t not found (this script needs Debian's apt and dpkg)"
done
mkdir -p "$aptdir"
# one run at a time per SUITE-ARCH (they share the apt state)
exec 9>"$aptdir/.lock"
flock -w 3600 9 || die "another $prog holds $aptdir/.lock"
if ! $refresh && [ -s "$envfile" ] && [ -d "$root" ]; then
	log "already fetched ($envfile)"
	cat "$envfile"
	exit 0
fi
mkdir -p "$aptdir"/empty.d "$aptdir"/lists/partial "$aptdir"/cache/archives/partial "$debs" "$root"

# --- the separate apt configuration --------------------------------------
. "$(dirname "$0")/private-apt.sh"
PRIVATE_APT_DIR=$aptdir PRIVATE_APT_SUITE=$suite PRIVATE_APT_ARCH=$arch \
PRIVATE_APT_COMPONENTS=main PRIVATE_APT_REFRESH=$refresh private_apt

# --- resolve the ABI ------------------------------------------------------
exists() { [ -n "$(field "$1" Package)" ]; }
# download PKG: its .deb into $debs (cached); sets deb to its path.
download() {
	local fn
	fn=$(field "$1" Filename)
	[ -n "$fn" ] || die "no Filename for $1 in $suite/$arch"
	deb=$debs/${fn##*/}
	if [ ! -s "$deb" ]; then
		log "downloading $1 ($(($(field "$1" Size) / 1048576)) MiB)"
		(cd "$debs" && apt-get "${aptopts[@]}" -q download "$1" >&2) || die "apt-get download $1 failed"
		[ -s "$deb" ] || die "apt-get download $1 did not leave ${fn##*/} in $debs"
	fi
}

# --- with --source: linux-source-X.Y ---------------------------------------
if $source; then
	spkg=$(field linux-source Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*\(linux-source-[0-9][^ (]*\).*/\1/p' | sed -n 1p)
	[ -n "$spkg" ] || die "no linux-source metapackage (or no linux-source-X.Y in its Depends) in $suite/$arch"
	ver=$(field "$spkg" Version)
	download "$spkg"
	series=${spkg#linux-source-}
	tarball=$root/usr/src/$spkg.tar.xz
	if [ ! -s "$tarball" ] || [ ! -e "$top/.unpacked-${deb##*/}" ]; then
		log "unpacking ${deb##*/}"
		rm -rf "$root" && mkdir -p "$root"
		dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed (disk full?)"
		rm -f "$top"/.unpacked-* && touch "$top/.unpacked-${deb##*/}"
	fi
	[ -s "$tarball" ] || die "$deb holds no usr/src/$spkg.tar.xz"
	printf '%s=%q\n' VERSION "$ver" SERIES "$series" TARBALL "$tarball" > "$envfile.new"
	mv "$envfile.new" "$envfile"
	cat "$envfile"
	exit 0
fi

meta=
for f in "$flavour-$arch" "$flavour"; do
	if exists "linux-image-$f"; then meta=linux-image-$f; break; fi
done
if [ -z "$meta" ]; then
	have=$(acache pkgnames linux-image- 2>/dev/null | grep -Ev -- '-[0-9]|-dbg$' | sort | tr '\n' ' ')
	die "no metapackage linux-image-$flavour-$arch or linux-image-$flavour in $suite/$arch; flavours there: ${have:-none}"
fi
release=$(field "$meta" Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*linux-image-\([0-9][^ ]*\).*/\1/p' | sed -n 1p)
release=${release%-unsigned}
[ -n "$release" ] || die "cannot tell the kernel release from the Depends of $meta"
hmeta=linux-headers-${meta#linux-image-}
if exists "$hmeta"; then
	hrel=$(field "$hmeta" Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*linux-headers-\([0-9][^ ]*\).*/\1/p' | sed -n 1p)
	[ "$hrel" = "$release" ] || die "$meta names $release but $hmeta names $hrel (archive mid-update? retry later with --refresh)"
fi
log "$meta -> $release"

pkgs=()
if $headers_only; then :
elif exists "linux-image-$release"; then pkgs+=("linux-image-$release")
elif exists "linux-image-$release-unsigned"; then pkgs+=("linux-image-$release-unsigned")
else die "linux-image-$release is not in $suite/$arch"; fi
# Newer suites (sid's 7.x) split the image: linux-image-RELEASE only depends
# on linux-binary-RELEASE (vmlinuz) and linux-modules-RELEASE (the modules).
for p in "linux-binary-$release" "linux-modules-$release"; do
	if ! $headers_only && exists "$p" && field "${pkgs[0]}" Depends | tr ',|' '\n\n' | grep -c "^[ \t]*$p\([ (]\|\$\)" >/dev/null; then
		pkgs+=("$p")
	fi
done
if $dbg; then
	exists "linux-image-$release-dbg" || die "no linux-image-$release-dbg in $suite/$arch (no debug package for this flavour)"
	pkgs+=("linux-image-$release-dbg")
fi
exists "linux-headers-$release" || die "linux-headers-$release is not in $suite/$arch"
pkgs+=("linux-headers-$release")
# the headers the arch-specific package needs (linux-headers-*-common)
for p in $(field "linux-headers-$release" Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*\(linux-headers-[^ (]*\).*/\1/p'); do
	pkgs+=("$p")
done

# --- download and unpack --------------------------------------------------
mkdir -p "$top/.unpacked"
for p in "${pkgs[@]}"; do
	download "$p"
	stamp=$top/.unpacked/${deb##*/}
	if [ ! -e "$stamp" ]; then
		log "unpacking ${deb##*/}"
		dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed (disk full?)"
		touch "$stamp"
	fi
done

# --- report ---------------------------------------------------------------
first() { local x; for x in "$@"; do [ -e "$x" ] && { echo "$x"; return; }; done; return 0; }
modules=$(first "$root/lib/modules/$release" "$root/usr/lib/modules/$release")
vmlinuz=$(first "$root/boot/vmlinuz-$release" "$root/boot/vmlinux-$release" "$root/boot/image-$release" "$modules/vmlinuz")
config=$(first "$root/boot/config-$release" "$root/usr/src/linux-headers-$release/.config")
headers=$root/usr/src/linux-headers-$release
symvers=$headers/Module.symvers
vmlinux= dmodules=
if $dbg; then
	vmlinux=$(first "$root/usr/lib/debug/boot/vmlinux-$release" "$root/usr/lib/debug/vmlinux-$release")
	dmodules=$(first "$root/usr/lib/debug/lib/modules/$release" "$root/usr/lib/debug/usr/lib/modules/$release")
	[ -n "$vmlinux" ] || die "no vmlinux-$release under $root/usr/lib/debug"
	[ -n "$dmodules" ] || die "no debug modules for $release under $root/usr/lib/debug"
fi
[ -n "$modules" ] || $headers_only || die "no modules directory for $release under $root"
[ -s "$symvers" ] || die "no Module.symvers at $symvers"
[ -d "$headers/include" ] || die "no include/ under $headers (linux-headers-*-common missing?)"

{
	for k in RELEASE ROOT VMLINUX VMLINUZ MODULES DEBUG_MODULES SYMVERS HEADERS CONFIG; do
		case $k in
		RELEASE) v=$release ;; ROOT) v=$root ;; VMLINUX) v=$vmlinux ;;
		VMLINUZ) v=$vmlinuz ;; MODULES) v=$modules ;; DEBUG_MODULES) v=$dmodules ;;
		SYMVERS) v=$symvers ;; HEADERS) v=$headers ;; CONFIG) v=$config ;;
		esac
		printf '%s=%q\n' "$k" "$v"
	done
} > "$envfile.new"
mv "$envfile.new" "$envfile"
cat "$envfile"
