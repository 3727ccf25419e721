#!/bin/bash
# Installs what ksymaudit needs to build and run on Debian 12, as root.
#   tools/setup-debian.sh              build dependencies and kernel headers
#   tools/setup-debian.sh --test-data  also what the whole test suite reads:
#       cross compilers for the fixtures, and the debug build of the kernel
#       that linux-headers-amd64 names (cloud flavour, the smallest: vmlinux
#       with DWARF and relocations and ~1100 modules under /usr/lib/debug)
#       with its headers (Module.symvers, modpost); the SARIF and CI
#       checkers: python3-jsonschema and python3-yaml, and the SARIF SDK's
#       validator (npm's @microsoft/sarif-multitool-linux, pinned) in
#       /opt/sarif-multitool, which tests/sarif runs; and Debian's kernel
#       image and headers packages for s390x, arm64 and i386, downloaded and
#       unpacked (never installed) by tools/fetch-debian-kernel.sh under
#       $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data), ≈450 MB, for
#       tests/real/other-arch.sh.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
test_data=false
case "${1:-}" in
--test-data) test_data=true ;;
"") ;;
*) echo "usage: $0 [--test-data]" >&2; exit 2 ;;
esac

pkgs=(meson ninja-build pkg-config gcc libc6-dev make bc kmod elfutils binutils
	libelf-dev libdw-dev libkmod-dev libjson-c-dev liblzma-dev libzstd-dev
	zlib1g-dev check python3 xz-utils zstd gzip linux-headers-amd64)
if $test_data; then
	pkgs+=(clang libclang-rt-14-dev groff-base gcc-i686-linux-gnu gcc-powerpc64-linux-gnu
		gcc-aarch64-linux-gnu python3-jsonschema python3-yaml npm)
fi
apt-get update
apt-get install -y --no-install-recommends "${pkgs[@]}"

if $test_data; then
	abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([0-9][0-9.]*-[0-9][0-9]*\)-amd64.*/\1/p')
	[ -n "$abi" ] || { echo "$0: cannot tell the kernel ABI of linux-headers-amd64" >&2; exit 1; }
	apt-get install -y --no-install-recommends \
		"linux-headers-$abi-cloud-amd64" "linux-image-$abi-cloud-amd64-dbg"
	# Real modules of other architectures, this release's kernel.
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	for spec in "s390x s390x" "arm64 arm64" "i386 686"; do
		# shellcheck disable=SC2086
		bash "$(dirname "$0")/fetch-debian-kernel.sh" "$codename" $spec >/dev/null
	done
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
