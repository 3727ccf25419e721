#!/bin/bash
# Builds two small x86-64 kernels from Debian's linux-source-6.1, as real test
# data for ksymaudit: the same thing CI sees on a kernel tree, before and after
# a change that moves the export-license boundary.
#
#   tools/build-test-kernel.sh [--force]
#
# $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data) then holds:
#   kernel-src/      linux-source-6.1 untarred once, never modified
#   kbuild-old/      O= build of kernel-src: vmlinux, vmlinux.o,
#                    Module.symvers, modules.order and the .ko files
#   kernel-src-new/  `cp -al` (hard links) of kernel-src; only the files
#                    tools/test-kernel.patch touches are replaced by new
#                    files (the old tree keeps its inodes and contents)
#   kbuild-new/      O= build of kernel-src-new, started from a copy of
#                    kbuild-old so only the patched files recompile
#
# Configuration: `make tinyconfig`, then scripts/config enables 64BIT,
# MODULES, MODULE_UNLOAD, MODVERSIONS, DEBUG_INFO_DWARF5 (DEBUG_INFO),
# PREEMPT (so TREE_RCU with PREEMPT_RCU: rcu_read_lock() calls the GPL-only
# __rcu_read_lock()), SLUB, PRINTK, BLOCK, SYSFS, PROC_FS, RELOCATABLE and
# RANDOMIZE_BASE (as in Debian: vmlinux is then linked with --emit-relocs and
# keeps its .rela.* sections, so a call graph can be read from it, not only
# from vmlinux.o), and as modules:
#   BLK_DEV_LOOP (loop.ko)  MINIX_FS (minix.ko)  CONFIGFS_FS (configfs.ko)
#   TEST_STATIC_KEYS (test_static_keys.ko, test_static_key_base.ko: static
#   keys exported by one module and tested by the other)  TEST_LKM
#   (test_module.ko)  CRC7 (crc7.ko)  CRC_ITU_T (crc-itu-t.ko)
# then `make olddefconfig` and `make vmlinux modules`.
#
# tools/test-kernel.patch (a unified diff against linux-source-6.1) changes:
#  (a) mm/swap.c: EXPORT_SYMBOL(__folio_put) -> EXPORT_SYMBOL_GPL.  The header
#      inlines put_page() and folio_put() (include/linux/mm.h) call
#      __folio_put(), so every module that calls put_page() -- minix.ko does,
#      through dir_put_page() in fs/minix/dir.c -- now depends on a GPL-only
#      symbol without naming it: the 4.18 put_page()/devmap_managed_key
#      regression (commit 31c5bda3a656) reproduced on the 6.1 code path.
#  (b) kernel/rcu/update.c (always built): a new EXPORT_SYMBOL function
#      ksymaudit_door() that calls the static, unexported, noinline helper
#      ksymaudit_door_helper(), which calls the EXPORT_SYMBOL_GPL
#      synchronize_rcu(): a non-GPL "door" to GPL-only functionality through
#      unexported code (the hmm_devmem_add() pattern).
# The script checks both effects in the two Module.symvers and in minix.ko.
#
# The incremental build: Kbuild builds O= trees with an absolute srctree, so
# the command lines and dependency lists saved in kbuild-old's .*.cmd files
# name kernel-src.  After `cp -a kbuild-old kbuild-new` those paths are
# rewritten to kernel-src-new (and kbuild-old to kbuild-new); the hard-linked
# sources keep their timestamps, so make recompiles only the patched files
# and relinks.  Consequence: in kbuild-new the DWARF of the objects that were
# not recompiled still names kernel-src/... (identical contents); the two
# recompiled objects name kernel-src-new/....  --force rebuilds from scratch.
#
# Needs root to apt-get install what is missing (linux-source-6.1 flex bison
# libssl-dev bc libelf-dev dwarves gcc make ...).  Prints KEY=VALUE lines
# for `eval`: RELEASE OLD NEW OLD_SRC NEW_SRC.  A second run finds the stamps
# and finishes in seconds.
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }

force=false
case "${1:-}" in
--force) force=true ;;
"") ;;
*) echo "usage: $prog [--force]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
patchfile=$here/test-kernel.patch
[ -s "$patchfile" ] || die "missing $patchfile"

data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
src=$data/kernel-src
nsrc=$data/kernel-src-new
old=$data/kbuild-old
new=$data/kbuild-new
tarball=/usr/src/linux-source-6.1.tar.xz
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$data"
data=$(cd "$data" && pwd -P)   # Kbuild resolves paths; so must we
src=$data/kernel-src nsrc=$data/kernel-src-new old=$data/kbuild-old new=$data/kbuild-new

# one run at a time per $KSYMAUDIT_DATA
exec 9>"$data/.lock-test-kernel"
flock -w 7200 9 || die "another $prog holds $data/.lock-test-kernel"

# Bumped when the configuration below changes, so stale builds are redone.
config_rev=2
config_opts=(
	--enable 64BIT --enable MODULES --enable MODULE_UNLOAD --enable MODVERSIONS
	--enable DEBUG_KERNEL --disable DEBUG_INFO_NONE
	--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_DWARF4
	--enable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_REDUCED
	--disable DEBUG_INFO_SPLIT --disable DEBUG_INFO_BTF
	--disable PREEMPT_NONE --disable PREEMPT_VOLUNTARY --enable PREEMPT
	--disable SLOB --enable SLUB
	--enable RELOCATABLE --enable RANDOMIZE_BASE
	--enable EXPERT --enable PRINTK --enable BLOCK --enable SYSFS --enable PROC_FS
	--enable BLK_DEV --enable MISC_FILESYSTEMS --enable RUNTIME_TESTING_MENU
	--module BLK_DEV_LOOP --module MINIX_FS --module CONFIGFS_FS
	--module TEST_STATIC_KEYS --module TEST_LKM --module CRC7 --module CRC_ITU_T
)
# What must hold in the final .config (olddefconfig may silently drop an
# option whose dependencies are not met).
must=(64BIT=y RELOCATABLE=y RANDOMIZE_BASE=y MODULES=y MODULE_UNLOAD=y MODVERSIONS=y DEBUG_INFO=y
	DEBUG_INFO_DWARF5=y PREEMPT=y PREEMPT_RCU=y SLUB=y PRINTK=y BLOCK=y
	SYSFS=y PROC_FS=y BLK_DEV_LOOP=m MINIX_FS=m CONFIGFS_FS=m
	TEST_STATIC_KEYS=m TEST_LKM=m CRC7=m CRC_ITU_T=m)
modules=(drivers/block/loop.ko fs/minix/minix.ko fs/configfs/configfs.ko
	lib/test_static_keys.ko lib/test_static_key_base.ko lib/test_module.ko
	lib/crc7.ko lib/crc-itu-t.ko)

# --- build dependencies ---------------------------------------------------
# shellcheck source=kbuild-lib.sh
. "$here/kbuild-lib.sh"
ensure_packages linux-source-6.1 make gcc libc6-dev flex bison bc libssl-dev libelf-dev dwarves xz-utils perl kmod
[ -s "$tarball" ] || die "$tarball missing although linux-source-6.1 is installed"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
patchsum=$(sha256sum "$patchfile" | cut -d' ' -f1)

# --- sources --------------------------------------------------------------
stamp_src="linux-source-6.1 $srcver"
if $force || [ "$(cat "$src/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_src" ]; then
	log "unpacking $tarball ($srcver) into $src"
	rm -rf "$src" "$nsrc" "$old" "$new"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1 || die "cannot untar $tarball"
	echo "$stamp_src" > "$src/.ksymaudit-stamp"
fi

# --- old build ------------------------------------------------------------
stamp_old="$stamp_src config_rev=$config_rev"
if $force || [ "$(cat "$old/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_old" ]; then
	rm -rf "$old" "$new"
	mkdir -p "$old"
	kb_build "$src" "$old" "$data/kbuild-old.log" "$jobs" config_opts must
	echo "$stamp_old" > "$old/.ksymaudit-stamp"
fi

# --- new sources: hard links, patched files replaced -----------------------
stamp_nsrc="$stamp_src patch=$patchsum"
if $force || [ "$(cat "$nsrc/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_nsrc" ]; then
	rm -rf "$nsrc" "$new"
	kb_patch_tree "$src" "$nsrc" "$patchfile"
	grep -q '^EXPORT_SYMBOL(__folio_put);' "$src/mm/swap.c" ||
		die "the old source $src/mm/swap.c was modified"
	echo "$stamp_nsrc" > "$nsrc/.ksymaudit-stamp"
fi

# --- new build, incremental from a copy of the old one ---------------------
stamp_new="$stamp_old patch=$patchsum"
new_built=false
if $force || [ "$(cat "$new/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_new" ]; then
	rm -rf "$new"
	kb_incremental "$src" "$nsrc" "$old" "$new" "$patchfile" "$data/kbuild-new.log" "$jobs"
	new_built=true   # stamped below, once the checks pass
fi

# --- check the result -------------------------------------------------------
for d in "$old" "$new"; do
	for f in vmlinux vmlinux.o Module.symvers "${modules[@]}"; do
		[ -s "$d/$f" ] || die "$d/$f missing after the build (try --force)"
	done
done
readelf -S "$old/vmlinux" | grep -c '\.rela\.text' >/dev/null || die "$old/vmlinux has no .rela.text (not linked with --emit-relocs?)"
sym() { awk -v s="$2" '$2 == s { print $4 }' "$1/Module.symvers"; }
[ "$(sym "$old" __folio_put)" = EXPORT_SYMBOL ] || die "old Module.symvers: __folio_put is not EXPORT_SYMBOL"
[ "$(sym "$new" __folio_put)" = EXPORT_SYMBOL_GPL ] || die "new Module.symvers: __folio_put is not EXPORT_SYMBOL_GPL"
[ -z "$(sym "$old" ksymaudit_door)" ] || die "old Module.symvers exports ksymaudit_door"
[ "$(sym "$new" ksymaudit_door)" = EXPORT_SYMBOL ] || die "new Module.symvers: ksymaudit_door is not EXPORT_SYMBOL"
[ "$(sym "$new" synchronize_rcu)" = EXPORT_SYMBOL_GPL ] || die "synchronize_rcu is not EXPORT_SYMBOL_GPL"
nm -u "$new/fs/minix/minix.ko" | grep -cw __folio_put >/dev/null || die "minix.ko does not reference __folio_put"

! $new_built || echo "$stamp_new" > "$new/.ksymaudit-stamp"

release=$(cat "$old/include/config/kernel.release")
printf '%s=%q\n' RELEASE "$release" OLD "$old" NEW "$new" OLD_SRC "$src" NEW_SRC "$nsrc"
