#!/bin/bash
# The newest kernel Debian serves, as real test data: experimental's cloud
# debug kernel when experimental has one (release candidates of the next
# series land there first: 7.3~rc7 while sid had 7.2), else sid's; and a
# modpost of the same series, built for this machine from that suite's
# linux-source (the distribution's own modpost needs its suite's C library).
# tests/real/newest-modules.sh runs its modules through that modpost and
# through `ksymaudit check`, so a change in a kernel Debian already serves
# (7.3 reworded modpost's messages) shows before it reaches sid.
#
#   tools/fetch-newest-kernel.sh
#
# Writes $KSYMAUDIT_DATA/newest/env (KEY=VALUE, shell-quoted): SUITE, the
# fetched kernel's RELEASE ROOT VMLINUX MODULES DEBUG_MODULES SYMVERS
# HEADERS (tools/fetch-debian-kernel.sh), SOURCE (the linux-source package
# version) and MODPOST. Prints it too. A second run with the same kernel
# and source finishes in seconds; the suite is chosen again each run, so a
# kernel that left experimental falls back to sid's.
#
# The modpost: the source unpacked under newest/src, `make tinyconfig`
# with MODULES and 64BIT, then `make modules_prepare` (scripts/mod/modpost,
# a minute), in newest/build.
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
export KSYMAUDIT_DATA=$data
top=$data/newest
mkdir -p "$top"
exec 9>"$top/.lock"
flock -w 3600 9 || die "another $prog holds $top/.lock"

# --- the kernel and its series' sources: experimental's, else sid's -------
suite=
for s in experimental sid; do
	if ! env=$(bash "$here/fetch-debian-kernel.sh" "$s" amd64 cloud --dbg 2>"$top/fetch-$s.log"); then
		log "$s: no cloud debug kernel to fetch ($(tail -n 1 "$top/fetch-$s.log"))"
		continue
	fi
	if ! senv=$(bash "$here/fetch-debian-kernel.sh" "$s" amd64 --source 2>>"$top/fetch-$s.log"); then
		log "$s: no linux-source to fetch ($(tail -n 1 "$top/fetch-$s.log"))"
		continue
	fi
	eval "$env"
	eval "$senv"
	case $RELEASE in
	"$SERIES"|"$SERIES".*|"$SERIES"-*|"$SERIES"+*) suite=$s; break ;;
	esac
	log "$s: its kernel $RELEASE is not of its linux-source's series $SERIES"
done
[ -n "$suite" ] || die "neither experimental nor sid has a cloud debug kernel with its sources (logs: $top/fetch-*.log)"
kernel_release=$RELEASE

# --- modpost from them --------------------------------------------------------
src=$top/src build=$top/build
stamp="linux-source-$SERIES $VERSION"
if [ "$(cat "$build/.ksymaudit-stamp" 2>/dev/null)" != "$stamp" ] || [ ! -x "$build/scripts/mod/modpost" ]; then
	log "building modpost from linux-source-$SERIES $VERSION ($suite)"
	rm -rf "$src" "$build"
	mkdir -p "$src" "$build"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1 || die "cannot untar $TARBALL"
	make -C "$src" O="$build" tinyconfig >"$top/build.log" 2>&1 || die "make tinyconfig failed (log: $top/build.log)"
	"$src/scripts/config" --file "$build/.config" --enable 64BIT --enable MODULES
	make -C "$src" O="$build" olddefconfig >>"$top/build.log" 2>&1 || die "make olddefconfig failed (log: $top/build.log)"
	make -C "$src" O="$build" -j"$(nproc)" modules_prepare >>"$top/build.log" 2>&1 ||
		die "make modules_prepare failed (log: $top/build.log)"
	[ -x "$build/scripts/mod/modpost" ] || die "no scripts/mod/modpost after modules_prepare (log: $top/build.log)"
	rm -rf "$src"   # modpost is all that is kept
	echo "$stamp" >"$build/.ksymaudit-stamp"
fi

{
	printf '%s=%q\n' SUITE "$suite" RELEASE "$kernel_release" ROOT "$ROOT" \
		VMLINUX "$VMLINUX" MODULES "$MODULES" DEBUG_MODULES "$DEBUG_MODULES" \
		SYMVERS "$SYMVERS" HEADERS "$HEADERS" SOURCE "$VERSION" \
		MODPOST "$build/scripts/mod/modpost"
} >"$top/env.tmp"
mv "$top/env.tmp" "$top/env"
cat "$top/env"
