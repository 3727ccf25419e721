#!/bin/bash
# Downloads (never installs) Debian's linux-source-X.Y of a suite and untars
# it, so tests can read the kernel's own sources of that release (modpost,
# include/linux/export-internal.h, kernel/module/main.c) and build modpost.
#
#   tools/fetch-linux-source.sh SUITE [ARCH]
#
#   tools/fetch-linux-source.sh sid          # linux-source-7.x of sid
#
# The package is what the metapackage `linux-source` depends on in SUITE. The
# private apt configuration of tools/fetch-debian-kernel.sh is reused (run
# that script for SUITE ARCH first; ARCH defaults to amd64): its sources list,
# lists and cache under $KSYMAUDIT_DATA/apt/SUITE-ARCH, and its lock.
#
# $KSYMAUDIT_DATA/linux-source-SUITE/ then holds linux-source-X.Y/ (the
# untarred tree) and the stamp `env`. Prints KEY=VALUE lines (shell-quoted):
#   VERSION (X.Y)  SRC (the tree)  MODPOST (scripts/mod/modpost of that
#   release, built for this machine)
# A second run finds the stamp and only prints it.
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $prog SUITE [ARCH]" >&2; exit 2; }
suite=$1 arch=${2:-amd64}
case $suite$arch in
*[!a-z0-9.+-]*) die "SUITE and ARCH must be plain names (got '$suite' '$arch')" ;;
esac
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
top=$data/linux-source-$suite
envfile=$top/env
aptdir=$data/apt/$suite-$arch
debs=$data/debs

if [ -s "$envfile" ]; then
	log "already fetched ($envfile)"
	cat "$envfile"
	exit 0
fi
[ -s "$aptdir/sources.list" ] ||
	die "no apt configuration for $suite/$arch under $aptdir (run tools/fetch-debian-kernel.sh $suite $arch FLAVOUR first)"
for t in apt-get apt-cache dpkg-deb tar flock make cc flex bison; do
	command -v $t >/dev/null || die "$t not found"
done
exec 9>"$aptdir/.lock"
flock -w 3600 9 || die "another script holds $aptdir/.lock"

aptopts=(
	-o Dir::Etc::sourcelist="$aptdir/sources.list"
	-o Dir::Etc::sourceparts=-
	-o Dir::Etc::preferences=/dev/null
	-o Dir::Etc::preferencesparts="$aptdir/empty.d"
	-o Dir::State::Lists="$aptdir/lists"
	-o Dir::State::status="$aptdir/status"
	-o Dir::Cache="$aptdir/cache"
	-o APT::Architecture="$arch"
	-o APT::Architectures::="$arch"
	-o APT::Sandbox::User=root
	-o Acquire::Languages=none
	-o Debug::NoLocking=true
)
field() {
	apt-cache "${aptopts[@]}" show --no-all-versions "$1" 2>/dev/null | awk -v f="$2" '
		index($0, f ":") == 1 { sub(/^[^:]*:[ \t]*/, ""); print; exit }'
}
pkg=$(field linux-source Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*\(linux-source-[0-9][0-9.]*\).*/\1/p' | head -n1)
[ -n "$pkg" ] || die "cannot tell linux-source-X.Y from the Depends of linux-source in $suite"
version=${pkg#linux-source-}
fn=$(field "$pkg" Filename)
[ -n "$fn" ] || die "no Filename for $pkg in $suite"
deb=$debs/${fn##*/}
mkdir -p "$debs" "$top"
if [ ! -s "$deb" ]; then
	log "downloading $pkg"
	(cd "$debs" && apt-get "${aptopts[@]}" -q download "$pkg" >&2) || die "apt-get download $pkg failed"
	[ -s "$deb" ] || die "apt-get download $pkg left no ${fn##*/} in $debs"
fi
src=$top/linux-source-$version
if [ ! -e "$top/.untarred" ]; then
	log "unpacking $pkg"
	rm -rf "$top/deb" "$src"
	dpkg-deb -x "$deb" "$top/deb"
	tarball=$(ls "$top"/deb/usr/src/linux-source-"$version".tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "no usr/src/linux-source-$version.tar.* in $deb"
	tar -C "$top" -xf "$tarball"
	[ -d "$src/scripts/mod" ] || die "$tarball did not give $src/scripts/mod"
	rm -rf "$top/deb"
	touch "$top/.untarred"
fi

# modpost for the host, built by the tree's own Kbuild in an O= directory
# (allnoconfig, then only scripts/mod/: about 40 s on 2 CPUs). The
# distribution's own modpost binary (linux-kbuild-X.Y) is built for that
# suite's C library and may not run here.
modpost=$top/modpost
if [ ! -x "$modpost" ]; then
	log "building modpost from $src/scripts/mod"
	b=$top/modpost-build
	rm -rf "$b" && mkdir -p "$b"
	# ARCH=x86_64: with ARCH=x86 (what uname gives) allnoconfig turns
	# 64BIT off and modpost would expect 32-bit objects.
	arch=
	[ "$(uname -m)" != x86_64 ] || arch=ARCH=x86_64
	{ nice -n 10 make -s -C "$src" O="$b" $arch allnoconfig &&
	  nice -n 10 make -s -C "$src" O="$b" $arch -j2 scripts/mod/; } > "$b/build.log" 2>&1 ||
		die "cannot build modpost (see $b/build.log)"
	cp "$b/scripts/mod/modpost" "$modpost.new"
	mv "$modpost.new" "$modpost"
	rm -rf "$b"
fi

{
	printf 'VERSION=%q\n' "$version"
	printf 'SRC=%q\n' "$src"
	printf 'MODPOST=%q\n' "$modpost"
} > "$envfile.new"
mv "$envfile.new" "$envfile"
cat "$envfile"
