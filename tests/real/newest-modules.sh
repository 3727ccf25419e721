#!/bin/bash
# The newest kernel Debian serves (tools/fetch-newest-kernel.sh:
# experimental's cloud debug kernel when there is one, else sid's) through
# the modpost of its own series and through `ksymaudit check`: a sample of
# its modules relabelled Proprietary (every module that imports a
# namespace included), tests/real/debian-modules.sh's comparison, so that
# gpl-only-use and namespace-not-imported agree module by module on a
# kernel before it reaches sid. sid-modules.sh does every module of sid's.
#
# Usage: newest-modules.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ks=${1:?usage: $0 KSYMAUDIT}
e=$rk_data/newest/env
[ -s "$e" ] || rk_skip "no $e (tools/fetch-newest-kernel.sh)"
. "$e"
for f in "$MODPOST" "$SYMVERS" "$MODULES"; do
	[ -e "$f" ] || rk_skip "$e names $f, which is gone (fetch again)"
done
echo "newest kernel: $RELEASE from $SUITE, modpost of linux-source $SOURCE"
KSYMAUDIT_KDIR=$HEADERS KSYMAUDIT_REAL_MODULES=$MODULES \
	KSYMAUDIT_MODPOST=$MODPOST KSYMAUDIT_REAL_SAMPLE=${KSYMAUDIT_REAL_SAMPLE:-250} \
	exec bash "$here/debian-modules.sh" "$ks"
