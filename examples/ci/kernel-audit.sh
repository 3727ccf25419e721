#!/bin/bash
# Pre-merge lint of a kernel tree with ksymaudit: the steps that the GitHub
# Actions workflow and the GitLab CI job of this folder share. Debian 12, as
# root (both recipes run in a debian:12 container).
#
#   kernel-audit.sh deps            build dependencies of ksymaudit and the kernel
#   kernel-audit.sh ksymaudit SRC   build and install ksymaudit from its sources
#   kernel-audit.sh kernel DIR      configure and build the kernel tree DIR in
#                                   place: $KSYMAUDIT_KCONFIG (a config file)
#                                   if set, else tinyconfig with modules, DWARF,
#                                   PREEMPT_RCU and SLUB; vmlinux.o, modules and
#                                   Module.symvers are what ksymaudit reads
#   kernel-audit.sh report DIR OUT  ksymaudit tree -k DIR -j -o OUT, with a
#                                   progress line a second in the log and
#                                   the fact cache in $KSYMAUDIT_CACHE_DIR
#                                   (default ~/.cache/ksymaudit): keep that
#                                   directory between CI runs and only the
#                                   objects a change touched are walked
#   kernel-audit.sh gate OLD NEW    ksymaudit diff of two reports; exit status 1
#                                   only for findings that NEW adds (warnings
#                                   and errors), so known ones never block
set -euo pipefail
export LC_ALL=C

die() { echo "kernel-audit: $*" >&2; exit 2; }

case "${1:-}" in
deps)
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends \
		git ca-certificates curl gh meson ninja-build pkg-config gcc libc6-dev \
		make bc bison flex libssl-dev libelf-dev libdw-dev libkmod-dev \
		libjson-c-dev liblzma-dev libzstd-dev zlib1g-dev elfutils kmod \
		python3 cpio xz-utils
	;;
ksymaudit)
	src=${2:?usage: kernel-audit.sh ksymaudit SRC}
	meson setup /tmp/ksymaudit-build "$src" -Dtests=disabled --prefix=/usr/local
	ninja -C /tmp/ksymaudit-build install
	ksymaudit --version
	;;
kernel)
	dir=${2:?usage: kernel-audit.sh kernel DIR}
	cd "$dir"
	if [ -n "${KSYMAUDIT_KCONFIG:-}" ]; then
		cp "$KSYMAUDIT_KCONFIG" .config
		make olddefconfig
	else
		make tinyconfig
		./scripts/config -e 64BIT -e MODULES -e MODULE_UNLOAD -e PRINTK \
			-e DEBUG_KERNEL -e DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
			-e PREEMPT -e PREEMPT_RCU -d SLOB -e SLUB -e BLOCK -e NET \
			-e INET -e NETDEVICES -e NET_CORE -m DUMMY \
			-m CRYPTO_CRC32C -m LIBCRC32C
		make olddefconfig
	fi
	# vmlinux.o keeps the relocations ksymaudit follows; the build is in
	# place so that the DWARF paths are relative to the repository.
	make -j"$(nproc)" vmlinux modules
	;;
report)
	dir=${2:?usage: kernel-audit.sh report DIR OUT} out=${3:?}
	ksymaudit tree -k "$dir" -j -o "$out" --fail-on never --progress=plain \
		${KSYMAUDIT_CACHE_DIR:+--cache-dir "$KSYMAUDIT_CACHE_DIR"}
	;;
gate)
	old=${2:?usage: kernel-audit.sh gate OLD NEW} new=${3:?}
	[ -s "$old" ] || die "$old: no report of the target branch"
	ksymaudit diff --fail-on warning "$old" "$new"
	;;
*)
	sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "$0" >&2
	exit 2
	;;
esac
