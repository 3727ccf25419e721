#!/bin/bash
# The kernel the set-up installed, derived from the archive's current
# release rather than named: the ABI that the metapackage linux-headers-amd64
# depends on (e.g. 6.1.0-NN), and the files of that ABI's debug kernel of
# FLAVOUR (default cloud-amd64, what `tools/setup-debian.sh --test-data`
# installs).
#
#   tools/installed-kernel.sh [FLAVOUR]
#
# Prints KEY=VALUE lines (shell-quoted) for `eval`, with the keys of
# tools/fetch-debian-kernel.sh so that tests treat an installed kernel and
# an unpacked one alike (ROOT is empty: the files are under /):
#   ABI RELEASE ROOT VMLINUX MODULES DEBUG_MODULES SYMVERS HEADERS CONFIG
# and GENERIC_HEADERS, the headers of the ABI's generic amd64 flavour (what
# out-of-tree modules are built against). Paths are printed whether or not
# they exist; the caller decides what it needs. Exits 1 when
# linux-headers-amd64 is not installed.
set -euo pipefail
prog=${0##*/}
flavour=${1:-cloud-amd64}
case $flavour in
*[!a-z0-9-]* | "") echo "$prog: FLAVOUR must be a plain name (got '$flavour')" >&2; exit 2 ;;
esac

abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	tr ',|' '\n\n' | sed -n 's/^[ \t]*linux-headers-\([0-9][0-9.]*-[0-9][0-9]*\)-amd64.*/\1/p' |
	head -n 1) || true
[ -n "$abi" ] || {
	echo "$prog: cannot tell the kernel ABI: linux-headers-amd64 is not installed (tools/setup-debian.sh installs it)" >&2
	exit 1
}
rel=$abi-$flavour
headers=/usr/src/linux-headers-$rel
for k in ABI RELEASE ROOT VMLINUX MODULES DEBUG_MODULES SYMVERS HEADERS CONFIG GENERIC_HEADERS; do
	case $k in
	ABI) v=$abi ;;
	RELEASE) v=$rel ;;
	ROOT) v= ;;
	VMLINUX) v=/usr/lib/debug/boot/vmlinux-$rel ;;
	MODULES) v=/lib/modules/$rel ;;
	DEBUG_MODULES) v=/usr/lib/debug/lib/modules/$rel ;;
	SYMVERS) v=$headers/Module.symvers ;;
	HEADERS) v=$headers ;;
	CONFIG) v=/boot/config-$rel ;;
	GENERIC_HEADERS) v=/usr/src/linux-headers-$abi-amd64 ;;
	esac
	printf '%s=%q\n' "$k" "$v"
done
