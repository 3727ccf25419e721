# Shared helpers of the real-kernel tests (sourced, bash).
#
# KSYMAUDIT_REQUIRE_REAL=1 (set by .ci/run) turns every "cannot run here"
# into a failure, so CI cannot pass by skipping.
# KSYMAUDIT_KDIR picks the headers directory; KSYMAUDIT_REAL_MODULES a
# directory of real modules (a /lib/modules/VERSION tree) built for it.

export LC_ALL=C

rk_data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
rk_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tools" && pwd)

# True when real data is required: KSYMAUDIT_REQUIRE_REAL=1 (CI), or the
# set-up fetched the test data (`tools/setup-debian.sh --test-data` leaves
# $KSYMAUDIT_DATA/test-data.env), so whatever is missing should be there.
rk_required() {
	[ "${KSYMAUDIT_REQUIRE_REAL:-0}" = 1 ] || [ -s "$rk_data/test-data.env" ]
}

rk_skip() {
	if rk_required; then
		echo "FAIL (real data required: KSYMAUDIT_REQUIRE_REAL=1 or $rk_data/test-data.env; cannot skip): $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

# Prints the KEY=VALUE lines (tools/installed-kernel.sh) of the debug
# kernel the set-up installed, as it recorded them in test-data.env, else
# derived now from the installed linux-headers-amd64. For `eval`.
rk_installed_kernel() {
	if [ -s "$rk_data/test-data.env" ]; then
		cat "$rk_data/test-data.env"
	else
		bash "$rk_tools/installed-kernel.sh"
	fi
}

# Prints the KEY=VALUE lines of a kernel tools/fetch-debian-kernel.sh
# unpacked, NAME being SUITE-ARCH-FLAVOUR (trixie-amd64-cloud): its env-dbg,
# else its env. Fails when it was not fetched.
rk_fetched_kernel() {
	local f
	for f in "$rk_data/$1/env-dbg" "$rk_data/$1/env"; do
		[ -s "$f" ] && { cat "$f"; return 0; }
	done
	return 1
}

rk_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A usable headers/build directory: Module.symvers, .config and modpost
# ($KSYMAUDIT_MODPOST when set: a modpost built for this machine from the
# release's sources, for headers whose own modpost does not run here).
rk_kdir_ok() {
	[ -s "$1/Module.symvers" ] && [ -x "$(rk_modpost "$1")" ] &&
		[ -f "$1/.config" ] && [ -f "$1/Makefile" ]
}

# The modpost to run for headers directory $1.
rk_modpost() {
	echo "${KSYMAUDIT_MODPOST:-$1/scripts/mod/modpost}"
}

# Loads Debian sid's 7.x debug kernel env file (tools/fetch-debian-kernel.sh
# sid amd64 cloud --dbg): RELEASE ROOT VMLINUX MODULES DEBUG_MODULES
# SYMVERS HEADERS CONFIG; skips without it.
rk_sid_env() {
	local env
	env=$(rk_fetched_kernel sid-amd64-cloud) ||
		rk_skip "no Debian sid 7.x kernel (tools/fetch-debian-kernel.sh sid amd64 cloud --dbg)"
	eval "$env"
	[ -e "$VMLINUX" ] && [ -d "$DEBUG_MODULES" ] && [ -s "$SYMVERS" ] ||
		rk_skip "the sid kernel's env file names files that are gone (fetch again)"
}

# The kernel built from linux-source-7.x by tools/build-test-kernel-7.sh
# ($rk_data/kernel7/env: RELEASE OLD NEW OLD_SRC NEW_SRC). Sets K7_RELEASE,
# K7_OLD, K7_OLD_SRC and MODPOST (OLD's scripts/mod/modpost: that release's
# modpost built for this machine; the distribution's own needs its C
# library); skips without it.
rk_kernel7_env() {
	local e=$rk_data/kernel7/env
	[ -s "$e" ] || rk_skip "no $e (tools/build-test-kernel-7.sh)"
	eval "$(. "$e" && printf 'K7_RELEASE=%q K7_OLD=%q K7_OLD_SRC=%q\n' "$RELEASE" "$OLD" "$OLD_SRC")"
	MODPOST=$K7_OLD/scripts/mod/modpost
	[ -x "$MODPOST" ] && [ -s "$K7_OLD/Module.symvers" ] ||
		rk_skip "$e names a build without scripts/mod/modpost or Module.symvers (build again)"
}

# The upstream version of a kernel release, as both Debian's ABI names and
# a source build's kernelrelease can say it: "7.2.13+deb14-cloud-amd64" and
# "7.2.13" are 7.2.13; Debian's "7.3-cloud-amd64" (an rc, or the first
# upload of a new series) and a build's "7.3.0-rc7" or "7.3.0" are 7.3.
rk_upstream_version() {
	local v=${1%%[-+~]*}
	case $v in
	*.*.0) echo "${v%.0}" ;;
	*) echo "$v" ;;
	esac
}

# modpost's words (final period dropped, as ksymaudit words it) for a
# module MOD that uses SYM from namespace NS without importing it, in the
# kernel release REL's modpost: 7.3 put "MOD.ko: " first and quoted the
# names (scripts/mod/modpost.c, mod_error()).
rk_modpost_ns_msg() { # MOD SYM NS REL
	local v=${4%%[-+~]*}
	if [ "$(printf '%s\n' 7.3 "$v" | sort -V | sed -n 1p)" = 7.3 ]; then
		echo "$1.ko: module uses symbol '$2' from namespace '$3', but does not import it"
	else
		echo "module $1 uses symbol $2 from namespace $3, but does not import it"
	fi
}

# Prints the kernel headers directory to build against. Prefers
# $KSYMAUDIT_KDIR, then the flavour of linux-headers-amd64 (the generic one,
# not -cloud/-rt), then any other installed headers with a Module.symvers.
rk_find_kdir() {
	local d best=""
	if [ -n "${KSYMAUDIT_KDIR:-}" ]; then
		rk_kdir_ok "$KSYMAUDIT_KDIR" && { echo "$KSYMAUDIT_KDIR"; return 0; }
		echo "KSYMAUDIT_KDIR=$KSYMAUDIT_KDIR is not a usable kernel build dir" >&2
		return 1
	fi
	for d in $(ls -d /usr/src/linux-headers-* 2>/dev/null | sort -V -r); do
		rk_kdir_ok "$d" || continue
		case "${d##*/}" in
		*-cloud-*|*-rt-*) [ -n "$best" ] || best=$d ;;
		*) echo "$d"; return 0 ;;
		esac
	done
	[ -n "$best" ] && { echo "$best"; return 0; }
	return 1
}

# The kernel release of a headers dir: /usr/src/linux-headers-REL.
rk_kdir_release() {
	local r
	r=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$1/include/generated/utsrelease.h" 2>/dev/null)
	[ -n "$r" ] || r=${1##*/linux-headers-}
	echo "$r"
}

# Prints "KDIR<TAB>MODDIR": a directory of real modules and the headers they
# were built with. $KSYMAUDIT_REAL_MODULES (a /lib/modules/REL tree or any
# directory of modules; its release is read from the path or from a module's
# vermagic), else installed debug or stripped modules of an installed
# headers release.
rk_find_real_modules() {
	local d rel k m
	if [ -n "${KSYMAUDIT_REAL_MODULES:-}" ]; then
		m=$KSYMAUDIT_REAL_MODULES
		[ -d "$m" ] || { echo "KSYMAUDIT_REAL_MODULES=$m is not a directory" >&2; return 1; }
		rel=$(rk_modules_release "$m")
		k=${KSYMAUDIT_KDIR:-/usr/src/linux-headers-$rel}
		rk_kdir_ok "$k" || { echo "no usable headers $k for modules in $m (release '$rel')" >&2; return 1; }
		printf '%s\t%s\n' "$k" "$m"
		return 0
	fi
	for d in $(ls -d /usr/src/linux-headers-* 2>/dev/null | sort -V -r); do
		rk_kdir_ok "$d" || continue
		rel=$(rk_kdir_release "$d")
		for m in "/lib/modules/$rel/kernel" "/usr/lib/debug/lib/modules/$rel/kernel"; do
			if [ -d "$m" ] && [ -n "$(find "$m" -name '*.ko*' -print -quit)" ]; then
				printf '%s\t%s\n' "$d" "$m"
				return 0
			fi
		done
	done
	return 1
}

# Release of the modules under $1: from a vermagic= entry.
rk_modules_release() {
	local f
	f=$(find "$1" -name '*.ko' -print -quit)
	if [ -n "$f" ]; then
		modinfo -F vermagic "$f" 2>/dev/null | awk 'NR == 1 { print $1 }' && return 0
	fi
	f=$(find "$1" -name '*.ko.*' -print -quit)
	[ -n "$f" ] && modinfo -F vermagic "$f" 2>/dev/null | awk 'NR == 1 { print $1 }'
}

# Module name as both tools can agree on: file name without directories and
# without .ko/.o/compression suffixes ("foo.ko.ko" from modpost included).
rk_norm_awk='
function norm(p) {
	sub(/.*\//, "", p)
	while (p ~ /\.(ko|o|xz|zst|gz)$/)
		sub(/\.(ko|o|xz|zst|gz)$/, "", p)
	gsub(/-/, "_", p)
	return p
}'

# modpost's stderr -> "check<TAB>module<TAB>symbol" lines, sorted. Both
# wordings: 7.3's "modpost: NAME.ko: MESSAGE" (mod_error()), and the older
# one with the name inside the message.
rk_parse_modpost() {
	awk "$rk_norm_awk"'
	function mod73(suffix,   m) {
		m = $0; sub(suffix, "", m); sub(/.*modpost: /, "", m); return m
	}
	function quoted(after,   s) {
		s = $0; sub(after, "", s); sub(/\047.*/, "", s); return s
	}
	/\.ko: GPL-incompatible module uses GPL-only symbol \047/ {
		print "gpl-only-use\t" norm(mod73(": GPL-incompatible module uses .*")) "\t" \
			quoted(".*: GPL-incompatible module uses GPL-only symbol \047"); next
	}
	/\.ko: module uses symbol \047.*\047 from namespace \047.*\047, but does not import it/ {
		print "namespace-not-imported\t" norm(mod73(": module uses symbol .*")) "\t" \
			quoted(".*: module uses symbol \047"); next
	}
	/\.ko: missing MODULE_LICENSE\(\)/ {
		print "missing-license\t" norm(mod73(": missing MODULE_LICENSE.*")) "\t-"; next
	}
	/\.ko: symbol \047.*\047 undefined!/ {
		print "unresolved-symbol\t" norm(mod73(": symbol \047.*")) "\t" \
			quoted(".*\\.ko: symbol \047"); next
	}
	/GPL-incompatible module .* uses GPL-only symbol / {
		m = $0; sub(/.*GPL-incompatible module /, "", m); sub(/ uses GPL-only symbol .*/, "", m)
		s = $0; sub(/.* uses GPL-only symbol \047/, "", s); sub(/\047.*/, "", s)
		print "gpl-only-use\t" norm(m) "\t" s; next
	}
	/ uses symbol .* from namespace .*, but does not import it/ {
		m = $0; sub(/.*module /, "", m); sub(/ uses symbol .*/, "", m)
		s = $0; sub(/.* uses symbol /, "", s); sub(/ from namespace .*/, "", s)
		print "namespace-not-imported\t" norm(m) "\t" s; next
	}
	/missing MODULE_LICENSE\(\) in / {
		m = $0; sub(/.*missing MODULE_LICENSE\(\) in /, "", m)
		print "missing-license\t" norm(m) "\t-"; next
	}
	/" \[.*\] undefined!/ {
		s = $0; sub(/^[^"]*"/, "", s); sub(/".*/, "", s)
		m = $0; sub(/.*" \[/, "", m); sub(/\] undefined!.*/, "", m)
		print "unresolved-symbol\t" norm(m) "\t" s; next
	}' | sort -u
}

# ksymaudit --json on stdin -> "check<TAB>module<TAB>symbol" lines, sorted.
# The module is its name (modinfo name=, or the file name with '-' as '_'),
# normalised like rk_parse_modpost does; "file" is a source file once sites
# are attributed.
rk_parse_json() {
	python3 -c '
import json, re, sys
doc = json.load(sys.stdin)
def norm(p):
    p = p.rsplit("/", 1)[-1]
    while True:
        q = re.sub(r"\.(ko|o|xz|zst|gz)$", "", p)
        if q == p:
            return p.replace("-", "_")
        p = q
for f in doc.get("findings", []):
    mod = norm(f.get("module") or "-")
    print("%s\t%s\t%s" % (f["check"], mod, f.get("symbol") or "-"))
' | sort -u
}

# Compares the lines of one check in two sorted files; prints a diff.
# Usage: rk_compare CHECK MODPOST_FILE KSYMAUDIT_FILE NONEMPTY(0|1)
rk_compare() {
	local check=$1 a=$2 b=$3 nonempty=$4 na nb
	grep -P "^\Q$check\E\t" "$a" > "$a.$check" || true
	grep -P "^\Q$check\E\t" "$b" > "$b.$check" || true
	na=$(wc -l < "$a.$check"); nb=$(wc -l < "$b.$check")
	if ! diff -u --label "modpost $check" --label "ksymaudit $check" \
		"$a.$check" "$b.$check"; then
		echo "FAIL: $check differs (modpost $na, ksymaudit $nb)" >&2
		return 1
	fi
	if [ "$nonempty" = 1 ] && [ "$na" -eq 0 ]; then
		echo "FAIL: $check: both empty, the comparison proves nothing" >&2
		return 1
	fi
	echo "ok: $check: $na identical (module, symbol) pairs"
}

# The source-built test kernel pair of tools/build-test-kernel.sh: sets old
# and new to $KSYMAUDIT_DATA/kbuild-old and kbuild-new, or skips.
rk_test_kernels() {
	local d data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
	old=$data/kbuild-old new=$data/kbuild-new
	for d in "$old" "$new"; do
		[ -s "$d/Module.symvers" ] && [ -e "$d/vmlinux.o" ] ||
			rk_skip "no kernel build in $d: run tools/build-test-kernel.sh"
	done
}

# The out-of-tree modules of the data step (tools/build-oot-modules.sh and
# tools/build-openafs.sh) for the installed generic headers: sets kdir rel
# oot (their build trees) and afs (OpenAFS's), or skips.
rk_oot_data() {
	local p
	eval "$(rk_installed_kernel)"
	kdir=$GENERIC_HEADERS
	rel=${kdir##*/linux-headers-}
	rk_kdir_ok "$kdir" || rk_skip "no generic headers $kdir"
	oot=$rk_data/oot/$rel
	for p in zfs nvidia broadcom-sta; do
		[ -s "$oot/$p.stamp" ] || rk_skip "no $p built for $rel: run tools/build-oot-modules.sh"
	done
	afs=$rk_data/openafs/build-$rel
	[ -s "$rk_data/openafs/stamp-$rel" ] || rk_skip "no OpenAFS built for $rel: run tools/build-openafs.sh"
}
