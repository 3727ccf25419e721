#!/bin/bash
# Every module of Debian sid's 7.x cloud kernel (tools/fetch-debian-kernel.sh
# sid amd64 cloud --dbg), relabelled Proprietary, through 7.x's own modpost
# (the one tools/build-test-kernel-7.sh built for this machine from sid's
# linux-source-7.x; sid's binary needs sid's C library) and through
# `ksymaudit check`:
# tests/real/debian-modules.sh with KSYMAUDIT_REAL_SAMPLE=0, so gpl-only-use
# and namespace-not-imported (module-restricted exports included) agree
# module by module, and no in-tree module gets a namespace error.
#
# Usage: sid-modules.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ks=${1:?usage: $0 KSYMAUDIT}
rk_sid_env
rk_kernel7_env
[ "$(rk_upstream_version "$RELEASE")" = "$(rk_upstream_version "$K7_RELEASE")" ] ||
	rk_fail "sid's kernel is $RELEASE but the kernel built from sid's sources is $K7_RELEASE (fetch and build again)"
echo "kernel: $RELEASE, modpost of $K7_RELEASE: $MODPOST"
KSYMAUDIT_KDIR=$HEADERS KSYMAUDIT_REAL_MODULES=$MODULES \
	KSYMAUDIT_MODPOST=$MODPOST KSYMAUDIT_REAL_SAMPLE=0 \
	exec bash "$here/debian-modules.sh" "$ks"
