#!/bin/bash
# Installs what ksymaudit needs to build and run on Debian 12, as root.
#   tools/setup-debian.sh              build dependencies and kernel headers
#   tools/setup-debian.sh --test-data  also what the whole test suite reads:
#       cross compilers for the fixtures, and the debug build of the kernel
#       that linux-headers-amd64 names (cloud flavour, the smallest: vmlinux
#       with DWARF and relocations and ~1100 modules under /usr/lib/debug)
#       with its headers (Module.symvers, modpost); and the SARIF and CI
#       checkers: python3-jsonschema and python3-yaml, and the SARIF SDK's
#       validator (npm's @microsoft/sarif-multitool-linux, pinned) in
#       /opt/sarif-multitool, which tests/sarif runs; and, through
#       tools/test-data.sh, Debian 13's 6.12 debug kernel and Debian 12's
#       s390x/arm64/i386 kernels (downloaded and unpacked, never installed),
#       a small kernel built from linux-source-6.1 with and without
#       tools/test-kernel.patch, and OpenAFS built against the 6.1 headers,
#       cached under $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
test_data=false
case "${1:-}" in
--test-data) test_data=true ;;
"") ;;
*) echo "usage: $0 [--test-data]" >&2; exit 2 ;;
esac

pkgs=(meson ninja-build pkg-config gcc libc6-dev make bc kmod elfutils binutils
	libelf-dev libdw-dev libkmod-dev libjson-c-dev liblzma-dev libzstd-dev libcapstone-dev
	zlib1g-dev check python3 xz-utils zstd gzip linux-headers-amd64)
if $test_data; then
	pkgs+=(clang libclang-rt-14-dev groff-base gcc-i686-linux-gnu gcc-powerpc64-linux-gnu
		gcc-aarch64-linux-gnu python3-jsonschema python3-yaml jq
		linux-source-6.1 flex bison libssl-dev dwarves perl file)
fi
# npm: Debian's, unless the machine already has node with its own npm (a
# nodejs package from another archive ships npm and conflicts with it).
if $test_data && ! command -v npm >/dev/null 2>&1; then
	pkgs+=(npm)
fi
apt-get -o Acquire::Retries=3 update
apt-get -o Acquire::Retries=3 install -y --no-install-recommends "${pkgs[@]}"

if $test_data; then
	# The archive's current ABI, never a named one (tools/installed-kernel.sh).
	eval "$(bash "$(dirname "$0")/installed-kernel.sh")"
	apt-get -o Acquire::Retries=3 install -y --no-install-recommends \
		"linux-headers-$RELEASE" "linux-image-$RELEASE-dbg"
fi

if $test_data; then
	# The SARIF SDK's validator (SARIF 2.1.0 schema and GitHub's rules);
	# a self-contained .NET program, run without ICU.
	mt=/opt/sarif-multitool
	mkdir -p "$mt"
	npm install --prefix "$mt" --no-audit --no-fund --omit=dev \
		@microsoft/sarif-multitool-linux@5.7.0
	chmod +x "$mt/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
		"$mt/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" --version
fi

if $test_data; then
	# Real kernels and modules beyond the installed ones (tools/README.md).
	bash "$(dirname "$0")/test-data.sh"
	# The data was asked for and is there: from now on a real-data test that
	# finds it missing fails instead of skipping (tests/meson.build reads
	# this file), and tests read the installed kernel's release from it.
	data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
	bash "$(dirname "$0")/installed-kernel.sh" >"$data/test-data.env.new"
	mv "$data/test-data.env.new" "$data/test-data.env"
fi
