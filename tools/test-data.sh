#!/bin/bash
# The real data the test suite reads beyond installed packages, fetched or
# built once and cached under $KSYMAUDIT_DATA (default
# /var/tmp/ksymaudit-data); a second run finishes in seconds. Called by
# tools/setup-debian.sh --test-data (as root, after its apt-get installs).
#   - Debian 13's 6.12 cloud debug kernel and headers (diff, precision);
#   - Debian sid's 7.x cloud debug kernel and headers (7.x export tables,
#     module-restricted exports, precision);
#   - the newest kernel Debian serves (experimental's, else sid's) with a
#     modpost of its series (tools/fetch-newest-kernel.sh);
#   - Debian 12's s390x, arm64 and i386 kernels (other byte orders and word
#     sizes: tests/real/other-arch.sh);
#   - a small kernel built from linux-source-6.1, and the same with
#     tools/test-kernel.patch (the pre-merge diff);
#   - a small kernel from sid's linux-source-7.x, alone and with
#     tools/test-kernel-7.patch (tools/build-test-kernel-7.sh);
#   - OpenAFS built against the 6.1 headers (module-breaks);
#   - ZFS, NVIDIA and broadcom-sta built from Debian's DKMS packages against
#     the 6.1 headers, with the generic headers of trixie's and sid's
#     kernels and sid's cloud debug kernel (upgrade, tests/real/oot-*.sh).
# Downloads run while the kernel compiles; a failure of any part fails the
# whole script, with that part's log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
export KSYMAUDIT_DATA=$data
mkdir -p "$data/logs"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

start=$(date +%s)
pids=() names=()
bg() { # NAME COMMAND...: runs in the background, output to its log
	local name=$1
	shift
	"$@" >"$data/logs/$name.log" 2>&1 &
	pids+=($!)
	names+=("$name")
}

# Downloads (network-bound), one apt configuration each.
bg fetch-trixie-amd64 bash "$here/fetch-debian-kernel.sh" trixie amd64 cloud --dbg
bg fetch-sid-amd64 bash "$here/fetch-debian-kernel.sh" sid amd64 cloud --dbg
bg fetch-newest bash "$here/fetch-newest-kernel.sh"
bg fetch-other-arch bash -c "
	bash '$here/fetch-debian-kernel.sh' $codename s390x s390x &&
	bash '$here/fetch-debian-kernel.sh' $codename arm64 arm64 &&
	bash '$here/fetch-debian-kernel.sh' $codename i386 686"
# Builds (CPU-bound), one after the other.
bg build bash -c "bash '$here/build-test-kernel.sh' && bash '$here/build-openafs.sh'"
bg oot-modules bash -c "bash '$here/fetch-debian-kernel.sh' trixie amd64 amd64 --headers && bash '$here/fetch-debian-kernel.sh' sid amd64 amd64 --headers && bash '$here/build-oot-modules.sh'"
bg build7 bash "$here/build-test-kernel-7.sh"

fail=0
for i in "${!pids[@]}"; do
	if ! wait "${pids[$i]}"; then
		echo "test-data: ${names[$i]} failed; its log ($data/logs/${names[$i]}.log) ends:" >&2
		tail -n 30 "$data/logs/${names[$i]}.log" >&2
		fail=1
	fi
done
echo "test-data: done in $(($(date +%s) - start)) s (logs in $data/logs)" >&2
exit $fail
