#!/bin/sh
# Builds the explain fixtures from src/ into OUTDIR: a proprietary module
# object in several debug-info shapes (in the file, DWARF 4, compressed,
# stripped with a .gnu_debuglink / build-id / --debuginfo dir / Debian
# /usr/lib/debug/lib/modules layout / xz, headers through a ".." path), a GPL
# module, and an i686 object.
# Usage: build-fixtures.sh SRCDIR OUTDIR STAMP
set -eu
LC_ALL=C
export LC_ALL
src=$(cd "$1" && pwd)/src
out=$2
stamp=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
rm -rf "$out/work"
mkdir -p "$out/work"
out=$(cd "$out" && pwd)
w=$out/work
# Compile inside a copy so DW_AT_comp_dir is a build directory and the
# header names are kernel-tree relative (include/linux/kalite.h).
cp -r "$src/." "$w/"
cd "$w"
CFLAGS="-O2 -g -fno-pie -fno-pic -fno-common -fno-asynchronous-unwind-tables -fno-stack-protector -Wall -Werror -Iinclude"
# Kernel-like objects are built with gcc, as Debian builds its kernels, even
# when the suite itself is built with CC=clang; foo-clang*.o below are the
# clang-built ones.
cc=gcc

$cc $CFLAGS -c foo.c -o foo.o
$cc $CFLAGS -c gpl.c -o gpl.o
$cc $CFLAGS -gdwarf-4 -c foo.c -o foo-dwarf4.o
# Built with clang, as kernels built with LLVM=1 are (DWARF 5 and 4), when
# clang is there (the test set-up installs it; test-explain.c requires the
# objects when real data is required).
if command -v clang >/dev/null 2>&1; then
	clang $CFLAGS -c foo.c -o foo-clang.o
	clang $CFLAGS -gdwarf-4 -c foo.c -o foo-clang-dwarf4.o
fi
objcopy --compress-debug-sections=zlib-gabi foo.o foo-zdebug.o
# A linked module: ld -r with a build-id, as Kbuild links .ko files.
ld -r --build-id=sha1 foo.o -o foo.ko
bid=$(readelf -n foo.ko | sed -n 's/.*Build ID: *//p')
[ -n "$bid" ] || { echo "build-fixtures: no build-id in foo.ko" >&2; exit 1; }

# Headers found through a ".." path (-Isub/../include): the line table names
# sub/../include/linux/kalite.h, reports must say include/linux/kalite.h.
mkdir -p sub dotdot
$cc -Isub/../include $CFLAGS -c foo.c -o dotdot/foo.o
ld -r --build-id=sha1 dotdot/foo.o -o dotdot/foo.ko
rm dotdot/foo.o

# .gnu_debuglink next to the stripped file.
mkdir -p debuglink
objcopy --only-keep-debug foo.ko debuglink/foo.ko.debug
objcopy --strip-debug foo.ko debuglink/foo.ko
objcopy --add-gnu-debuglink=debuglink/foo.ko.debug debuglink/foo.ko

# build-id layout under a debug root.
mkdir -p buildid/mod "buildid/root/.build-id/$(echo "$bid" | cut -c1-2)"
objcopy --strip-debug foo.ko buildid/mod/foo.ko
objcopy --only-keep-debug foo.ko \
	"buildid/root/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug"

# --debuginfo DIR holding the unstripped file under the same name.
mkdir -p dir/mod dir/dbg
objcopy --strip-debug foo.ko dir/mod/foo.ko
cp foo.ko dir/dbg/foo.ko

# Debian: /usr/lib/debug/lib/modules/V/... beside /lib/modules/V/...
mkdir -p debian/root/lib/modules/9.9.9-test/kernel/drivers \
	debian/debug/lib/modules/9.9.9-test/kernel/drivers
objcopy --strip-debug foo.ko debian/root/lib/modules/9.9.9-test/kernel/drivers/foo.ko
cp foo.ko debian/debug/lib/modules/9.9.9-test/kernel/drivers/foo.ko

# Stripped with no debug file anywhere.
mkdir -p nodebug
objcopy --strip-debug foo.ko nodebug/foo.ko

# Compressed, debug info inside (decompressed in memory).
if command -v xz >/dev/null 2>&1; then
	mkdir -p xz
	xz -c --check=crc32 foo.ko >xz/foo.ko.xz
fi

# 32-bit REL relocations (implicit addends).
if command -v i686-linux-gnu-gcc >/dev/null 2>&1; then
	i686-linux-gnu-gcc $CFLAGS -c foo.c -o foo-i686.o
elif [ "${CI:-}" = true ]; then
	echo "build-fixtures: i686-linux-gnu-gcc not found" >&2
	exit 1
fi
touch "$stamp"
