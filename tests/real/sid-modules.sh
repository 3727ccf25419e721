#!/bin/bash
# Every module of Debian sid's 7.x cloud kernel (tools/fetch-debian-kernel.sh
# sid amd64 cloud --dbg), relabelled Proprietary, through 7.x's own modpost
# (built for this machine from linux-source-7.x by tools/fetch-linux-source.sh
# sid: sid's binary needs sid's C library) and through `ksymaudit check`:
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
rk_source_env sid
case $RELEASE in
"$VERSION".*) ;;
*) rk_fail "sid's kernel is $RELEASE but linux-source of sid is $VERSION (fetch both again)" ;;
esac
echo "kernel: $RELEASE, modpost of linux-source-$VERSION: $MODPOST"
KSYMAUDIT_KDIR=$HEADERS KSYMAUDIT_REAL_MODULES=$MODULES \
	KSYMAUDIT_MODPOST=$MODPOST KSYMAUDIT_REAL_SAMPLE=0 \
	exec bash "$here/debian-modules.sh" "$ks"
