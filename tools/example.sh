#!/bin/bash
# The README's main job: build examples/vendor-driver (a proprietary module)
# against the installed Debian kernel headers with Kbuild, and audit it with
# ksymaudit check, which explains each GPL-only use down to the header inline
# and the calling line. modpost itself refuses this module and only names
# the symbols; its verdict is printed first for comparison.
# Usage: tools/example.sh [BUILD_DIR]   (default: build)
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
bin=$build/ksymaudit
[ -x "$bin" ] || { echo "example: $bin not built (meson setup build && ninja -C build)" >&2; exit 2; }

kdir=""
for d in $(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e -cloud -e -rt | sort -V -r); do
	[ -s "$d/Module.symvers" ] && { kdir=$d; break; }
done
[ -n "$kdir" ] || { echo "example: no kernel headers installed (apt-get install linux-headers-amd64)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$top"/examples/vendor-driver/* "$work/"
echo "== Kbuild and modpost ($kdir)"
make -s -C "$kdir" M="$work" modules 2>&1 | grep -v '^make' || true
echo
echo "== ksymaudit check -k $kdir vendor_driver.o"
status=0
(cd "$work" && "$bin" check -k "$kdir" vendor_driver.o) || status=$?
echo
echo "exit status $status (1: GPL-only uses found, as expected for this module)"
[ "$status" -eq 1 ]
