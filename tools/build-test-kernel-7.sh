#!/bin/bash
# Builds two small x86-64 kernels from Debian sid's linux-source-7.x, as real
# test data for ksymaudit on the kernels people build today: OLD from the
# pristine sources, NEW the same plus tools/test-kernel-7.patch (a pre-merge
# change that moves the export-license boundary).
#
#   tools/build-test-kernel-7.sh [--force]
#
# The sources come from the Debian archive's suite sid (KSYMAUDIT_SUITE7
# overrides) through tools/fetch-debian-kernel.sh SUITE amd64 --source: the
# package linux-source-X.Y that the metapackage linux-source depends on there,
# downloaded and unpacked under $KSYMAUDIT_DATA, never installed.
#
# $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data)/kernel7 then holds:
#   src/      the linux-source-X.Y tarball untarred once, never modified
#   old/      O= build of src: vmlinux (relocations stripped, as 6.15+ links
#             it on x86), vmlinux.unstripped (with them), vmlinux.o,
#             Module.symvers, .config, scripts/mod/modpost and the modules
#   src-new/  `cp -al` (hard links) of src; only the files the patch touches
#             are new files (src keeps its inodes and contents)
#   new/      O= build of src-new, started from a copy of old so only the
#             patched files' users recompile
#   env       KEY=VALUE lines: RELEASE OLD NEW OLD_SRC NEW_SRC (also printed)
#
# Configuration: `make tinyconfig`, then scripts/config enables 64BIT,
# MODULES, MODULE_UNLOAD, MODVERSIONS, DEBUG_INFO_DWARF5, JUMP_LABEL (static
# keys: __jump_table), RELOCATABLE and RANDOMIZE_BASE (as Debian's), PRINTK,
# BLOCK, SYSFS, PROC_FS, and PREEMPT with PREEMPT_RCU, so rcu_read_lock()
# calls the GPL-only __rcu_read_lock().  On 7.x the preemption choice
# defaults to PREEMPT_LAZY and `--enable PREEMPT` alone does not stick: the
# other three choices are disabled explicitly and PREEMPT_RCU=y is checked.
# Modules: BLK_DEV_LOOP (loop.ko), MINIX_FS (minix.ko), CONFIGFS_FS
# (configfs.ko), TEST_STATIC_KEYS (test_static_keys.ko and
# test_static_key_base.ko), TEST_LKM (test_module.ko).  (7.x made CRC7 and
# CRC_ITU_T hidden library options: they can no longer be chosen.)
#
# tools/test-kernel-7.patch: pfn_valid() in include/linux/mmzone.h takes
# rcu_read_lock() instead of rcu_read_lock_sched() -- the change that came to
# 6.1.76 stable and broke NVIDIA's driver on Debian 12: under PREEMPT_RCU
# rcu_read_lock() calls __rcu_read_lock(), which is EXPORT_SYMBOL_GPL, so
# every GPL-incompatible module calling the inline pfn_valid() fails modpost.
#
# The incremental build is that of tools/build-test-kernel.sh: after
# `cp -a old new` the absolute paths in new's .*.cmd files are rewritten to
# src-new and new; make then recompiles what includes the patched header.
#
# Needs root to apt-get install missing build tools.  Prints KEY=VALUE lines
# for `eval`; a second run finds the stamps and finishes in seconds.
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
patchfile=$here/test-kernel-7.patch
[ -s "$patchfile" ] || die "missing $patchfile"

data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
export KSYMAUDIT_DATA=$data
mkdir -p "$data/kernel7"
data=$(cd "$data" && pwd -P)   # Kbuild resolves paths; so must we
top=$data/kernel7
src=$top/src nsrc=$top/src-new old=$top/old new=$top/new envfile=$top/env
suite=${KSYMAUDIT_SUITE7:-sid}
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -le 2 ] || jobs=2

exec 9>"$top/.lock"
flock -w 7200 9 || die "another $prog holds $top/.lock"

config_rev=1
config_opts=(
	--enable 64BIT --enable MODULES --enable MODULE_UNLOAD --enable MODVERSIONS
	--enable DEBUG_KERNEL --disable DEBUG_INFO_NONE
	--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_DWARF4
	--enable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_REDUCED
	--disable DEBUG_INFO_SPLIT --disable DEBUG_INFO_BTF
	--disable PREEMPT_LAZY --disable PREEMPT_NONE --disable PREEMPT_VOLUNTARY
	--enable PREEMPT
	--enable JUMP_LABEL
	--enable RELOCATABLE --enable RANDOMIZE_BASE
	--enable EXPERT --enable PRINTK --enable BLOCK --enable SYSFS --enable PROC_FS
	--enable BLK_DEV --enable MISC_FILESYSTEMS --enable RUNTIME_TESTING_MENU
	--module BLK_DEV_LOOP --module MINIX_FS --module CONFIGFS_FS
	--module TEST_STATIC_KEYS --module TEST_LKM
)
must=(64BIT=y RELOCATABLE=y RANDOMIZE_BASE=y MODULES=y MODULE_UNLOAD=y MODVERSIONS=y
	DEBUG_INFO=y DEBUG_INFO_DWARF5=y PREEMPT=y PREEMPT_RCU=y JUMP_LABEL=y
	PRINTK=y BLOCK=y SYSFS=y PROC_FS=y
	BLK_DEV_LOOP=m MINIX_FS=m CONFIGFS_FS=m TEST_STATIC_KEYS=m TEST_LKM=m)
modules=(drivers/block/loop.ko fs/minix/minix.ko fs/configfs/configfs.ko
	lib/test_static_keys.ko lib/test_static_key_base.ko lib/test_module.ko)

# shellcheck source=kbuild-lib.sh
. "$here/kbuild-lib.sh"
ensure_packages make gcc libc6-dev flex bison bc libssl-dev libelf-dev dwarves xz-utils perl kmod

# --- sources from the archive ----------------------------------------------
srcenv=$(bash "$here/fetch-debian-kernel.sh" "$suite" amd64 --source) ||
	die "cannot fetch linux-source from $suite"
VERSION= SERIES= TARBALL=
eval "$srcenv"
[ -s "$TARBALL" ] || die "fetch-debian-kernel.sh named no tarball"
case $SERIES in [7-9].*|[1-9][0-9].*) ;; *) die "$suite's linux-source is $SERIES, not 7.x or later" ;; esac
patchsum=$(sha256sum "$patchfile" | cut -d' ' -f1)

stamp_src="linux-source-$SERIES $VERSION"
if $force || [ "$(cat "$src/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_src" ]; then
	log "unpacking ${TARBALL##*/} ($VERSION) into $src"
	rm -rf "$src" "$nsrc" "$old" "$new" "$envfile"
	mkdir -p "$src"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1 || die "cannot untar $TARBALL"
	echo "$stamp_src" > "$src/.ksymaudit-stamp"
fi

# --- old build ---------------------------------------------------------------
stamp_old="$stamp_src config_rev=$config_rev"
if $force || [ "$(cat "$old/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_old" ]; then
	rm -rf "$old" "$new" "$envfile"
	mkdir -p "$old"
	kb_build "$src" "$old" "$top/old.log" "$jobs" config_opts must
	echo "$stamp_old" > "$old/.ksymaudit-stamp"
fi

# --- new sources: hard links, patched files replaced ---------------------------
stamp_nsrc="$stamp_src patch=$patchsum"
if $force || [ "$(cat "$nsrc/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_nsrc" ]; then
	rm -rf "$nsrc" "$new" "$envfile"
	kb_patch_tree "$src" "$nsrc" "$patchfile"
	echo "$stamp_nsrc" > "$nsrc/.ksymaudit-stamp"
fi

# --- new build, incremental from a copy of the old one -------------------------
stamp_new="$stamp_old patch=$patchsum"
new_built=false
if $force || [ "$(cat "$new/.ksymaudit-stamp" 2>/dev/null)" != "$stamp_new" ]; then
	rm -rf "$new" "$envfile"
	kb_incremental "$src" "$nsrc" "$old" "$new" "$patchfile" "$top/new.log" "$jobs"
	new_built=true
fi

# --- check the result -----------------------------------------------------------
for d in "$old" "$new"; do
	for f in vmlinux vmlinux.o Module.symvers .config scripts/mod/modpost "${modules[@]}"; do
		[ -s "$d/$f" ] || die "$d/$f missing after the build (try --force)"
	done
	grep -qx CONFIG_PREEMPT_RCU=y "$d/.config" || die "$d/.config lacks CONFIG_PREEMPT_RCU=y"
done
sym() { awk -v s="$2" '$2 == s { print $4 }' "$1/Module.symvers"; }
[ "$(sym "$old" __rcu_read_lock)" = EXPORT_SYMBOL_GPL ] ||
	die "old Module.symvers: __rcu_read_lock is not EXPORT_SYMBOL_GPL"
grep -q 'rcu_read_lock_sched();' "$src/include/linux/mmzone.h" ||
	die "the old source $src/include/linux/mmzone.h was modified"
grep -A30 '^static inline int pfn_valid(' "$nsrc/include/linux/mmzone.h" | grep -c 'rcu_read_lock();' >/dev/null ||
	die "the new pfn_valid() does not take rcu_read_lock()"
! $new_built || echo "$stamp_new" > "$new/.ksymaudit-stamp"

release=$(cat "$old/include/config/kernel.release")
printf '%s=%q\n' RELEASE "$release" OLD "$old" NEW "$new" OLD_SRC "$src" NEW_SRC "$nsrc" > "$envfile.new"
mv "$envfile.new" "$envfile"
cat "$envfile"
