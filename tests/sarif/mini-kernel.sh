#!/bin/sh
# Builds the mini kernel of tests/tree into OUT: vmlinux (linked with
# --emit-relocs) and mods/mod-a.ko, mods/mod-b.ko, with DWARF whose paths
# are relative to TREE_SRC (the "repository").
# Usage: mini-kernel.sh TREE_SRC FIXTURE_SRC OUT
set -eu
src=$(realpath "$1") fxsrc=$(realpath "$2") out=$(realpath "$3")
cflags="-O2 -g -DKA_ENC_PREL32 -fno-pic -fno-asynchronous-unwind-tables -I$fxsrc -Iinclude"
(cd "$src" && for f in core user mod-a mod-b; do
	# shellcheck disable=SC2086
	gcc $cflags -c "$f.c" -o "$out/$f.o"
done)
ld --emit-relocs -e 0 -T "$fxsrc/vmlinux.lds" -o "$out/vmlinux" "$out/core.o" "$out/user.o"
mkdir -p "$out/mods"
ld -r -T "$fxsrc/module.lds" -o "$out/mods/mod-a.ko" "$out/mod-a.o"
ld -r -T "$fxsrc/module.lds" -o "$out/mods/mod-b.ko" "$out/mod-b.o"
