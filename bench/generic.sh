#!/bin/bash
# Benchmark on Debian 12's generic kernel, the flavour distributions audit:
# linux-image-ABI-amd64-dbg (about 860 MB packed, 5.6 GB unpacked: a debug
# vmlinux and 4023 modules with DWARF), fetched and unpacked, never
# installed, by tools/fetch-debian-kernel.sh bookworm amd64 amd64 --dbg
# (into $KSYMAUDIT_DATA/bookworm-amd64-amd64; the first run downloads it,
# later runs find it). Not part of the test data CI fetches: the download
# and unpacking alone would take a large share of CI's time budget.
#
# Then, in the same run against the plain single-threaded libdw walk of the
# same files (bench/dwarf-walk):
#  (1) bench/tree.sh: `tree` over the debug vmlinux and every module
#      (--no-cache), its peak RSS, and a run from a warm cache;
#  (2) bench/check-attribution.sh: `check --license Proprietary` over the
#      4023 modules against the walk of the same modules.
# Bounds (issue 16): tree <= 1.0x the walk, peak RSS <= 1 GiB; check <= 1.0x
# the walk of the modules.
#
# Usage: bench/generic.sh KSYMAUDIT DWARF_WALK
# Environment: BENCH_RUNS (default 3), KSYMAUDIT_DATA.
set -euo pipefail
ks=$(realpath "${1:?usage: generic.sh KSYMAUDIT DWARF_WALK}")
walk=$(realpath "${2:?usage: generic.sh KSYMAUDIT DWARF_WALK}")
here=$(cd "$(dirname "$0")" && pwd)
RELEASE= ROOT=
eval "$(bash "$here/../tools/fetch-debian-kernel.sh" bookworm amd64 amd64 --dbg)"
[ -n "$RELEASE" ] && [ -d "$ROOT" ] || { echo "bench: fetching the generic kernel failed" >&2; exit 2; }
export BENCH_ROOT=$ROOT BENCH_RUNS=${BENCH_RUNS:-3} BENCH_T1=0
echo "== $RELEASE under $ROOT"
echo "== (1) tree against the walk of vmlinux and every module"
bash "$here/tree.sh" "$ks" "$walk" "$RELEASE"
echo "== (2) check --license Proprietary against the walk of every module"
bash "$here/check-attribution.sh" "$ks" "$walk" "$RELEASE"
