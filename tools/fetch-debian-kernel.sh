#!/bin/bash
# Downloads (never installs) a Debian kernel of any suite and architecture and
# unpacks it, as real test data for ksymaudit.
#
#   tools/fetch-debian-kernel.sh [--refresh] SUITE ARCH FLAVOUR [--dbg]
#
#   tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg
#   tools/fetch-debian-kernel.sh bookworm s390x s390x
#   tools/fetch-debian-kernel.sh bookworm arm64 cloud
#   tools/fetch-debian-kernel.sh bookworm i386 686
#
# SUITE is a Debian codename (bookworm, trixie, ...), ARCH a Debian
# architecture, FLAVOUR the kernel flavour: the image metapackage is
# linux-image-FLAVOUR-ARCH if it exists (cloud-amd64, cloud-arm64), else
# linux-image-FLAVOUR (686, s390x, arm64).  The ABI (the RELEASE, e.g.
# 6.12.NN+deb13-cloud-amd64) is what that metapackage depends on in SUITE.
#
# Fetched with `apt-get download` through a separate apt configuration under
# $KSYMAUDIT_DATA/apt/SUITE-ARCH (own sources list, lists, cache, empty dpkg
# status, APT::Architecture=ARCH), so the machine's apt state is never
# touched.  The archive URIs and keyrings are the ones this machine's
# /etc/apt/sources.list{,.d/*.list,.d/*.sources} name for its own codename
# (e.g. deb.debian.org/debian for bookworm and bookworm-updates,
# deb.debian.org/debian-security for bookworm-security), with the codename
# replaced by SUITE.
#
# Packages (cached in $KSYMAUDIT_DATA/debs, unpacked with dpkg-deb -x into
# $KSYMAUDIT_DATA/SUITE-ARCH-FLAVOUR/root):
#   linux-image-RELEASE          vmlinuz, stripped modules (.ko or .ko.xz)
#   linux-image-RELEASE-dbg      with --dbg: vmlinux with DWARF and the
#                                modules with DWARF under usr/lib/debug
#   linux-headers-RELEASE        Module.symvers, .config (arch-specific)
#   linux-headers-*-common       include/, the rest of the header tree
#
# Prints KEY=VALUE lines (shell-quoted) to stdout for `eval`:
#   RELEASE ROOT VMLINUX (empty without --dbg) VMLINUZ MODULES DEBUG_MODULES
#   (empty without --dbg) SYMVERS HEADERS CONFIG
# Progress goes to stderr.  A second run finds the stamp
# ROOT/../env[-dbg] and only prints it; --refresh re-reads the archive
# indexes (apt-get update) and fetches a newer ABI if there is one.
#
# Environment: KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data).
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }
usage() { echo "usage: $prog [--refresh] SUITE ARCH FLAVOUR [--dbg]" >&2; exit 2; }

dbg=false refresh=false
args=()
for a in "$@"; do
	case $a in
	--dbg) dbg=true ;;
	--refresh) refresh=true ;;
	-h|--help) usage ;;
	-*) echo "$prog: unknown option $a" >&2; usage ;;
	*) args+=("$a") ;;
	esac
done
[ ${#args[@]} -eq 3 ] || usage
suite=${args[0]} arch=${args[1]} flavour=${args[2]}
case $suite$arch$flavour in
*[!a-z0-9.+-]*) die "SUITE, ARCH and FLAVOUR must be plain names (got '$suite' '$arch' '$flavour')" ;;
esac

data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
top=$data/$suite-$arch-$flavour
root=$top/root
envfile=$top/env$($dbg && echo -dbg || true)
aptdir=$data/apt/$suite-$arch
debs=$data/debs

if ! $refresh && [ -s "$envfile" ] && [ -d "$root" ]; then
	log "already fetched ($envfile)"
	cat "$envfile"
	exit 0
fi

for t in apt-get apt-cache dpkg-deb flock; do
	command -v $t >/dev/null || die "$t not found (this script needs Debian's apt and dpkg)"
done
mkdir -p "$aptdir"
# one run at a time per SUITE-ARCH (they share the apt state)
exec 9>"$aptdir/.lock"
flock -w 3600 9 || die "another $prog holds $aptdir/.lock"
if ! $refresh && [ -s "$envfile" ] && [ -d "$root" ]; then
	log "already fetched ($envfile)"
	cat "$envfile"
	exit 0
fi
mkdir -p "$aptdir"/empty.d "$aptdir"/lists/partial "$aptdir"/cache/archives/partial "$debs" "$root"

# --- the separate apt configuration --------------------------------------
host_codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$host_codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release"

# Emits "URI<TAB>SUITE<TAB>SIGNED-BY" for every enabled deb entry of the
# host's own codename (codename, codename-updates, codename-security, ...)
# that has the main component.
host_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v cn="$host_codename" '
		/^[ \t]*deb[ \t]/ {
			sub(/#.*/, ""); n = split($0, w, /[ \t]+/); i = 1
			while (w[i] == "") i++
			i++                             # skip "deb"
			sb = ""
			if (w[i] ~ /^\[/) {             # options
				while (1) {
					if (w[i] ~ /^\[?signed-by=/) { sb = w[i]; sub(/^\[?signed-by=/, "", sb); sub(/\]$/, "", sb) }
					if (w[i] ~ /\]$/) break
					i++
				}
				i++
			}
			uri = w[i]; s = w[i + 1]; main = 0
			for (j = i + 2; j <= n; j++) if (w[j] == "main") main = 1
			if (main && (s == cn || index(s, cn "-") == 1)) print uri "\t" s "\t" sb
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v cn="$host_codename" '
		function flush(  nu, ns, u, s, a, b, k, l, main) {
			main = 0; k = split(comps, c, /[ \t]+/)
			for (l = 1; l <= k; l++) if (c[l] == "main") main = 1
			if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && main) {
				nu = split(uris, a, /[ \t]+/); ns = split(suites, b, /[ \t]+/)
				for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++)
					if (a[u] != "" && (b[s] == cn || index(b[s], cn "-") == 1))
						print a[u] "\t" b[s] "\t" sb
			}
			types = uris = suites = comps = sb = enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($0); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
			if (key == "types") types = val
			else if (key == "uris") uris = val
			else if (key == "suites") suites = val
			else if (key == "components") comps = val
			else if (key == "signed-by") sb = val
			else if (key == "enabled") enabled = tolower(val)
		}
		END { flush() }' "$f"
	done
}

srclist=$aptdir/sources.list
{
	echo "# generated by $prog from this machine's apt sources ($host_codename -> $suite)"
	host_sources | sort -u | while IFS=$'\t' read -r uri hsuite sb; do
		tsuite=$suite${hsuite#"$host_codename"}
		case $suite in
		sid|unstable|experimental|rc-buggy) [ "$tsuite" = "$suite" ] || continue ;;
		esac
		opts="arch=$arch"
		[ -z "$sb" ] || opts="$opts signed-by=$sb"
		echo "deb [$opts] $uri $tsuite main"
	done
} > "$srclist.new"
grep -q '^deb ' "$srclist.new" ||
	die "no enabled 'deb ... $host_codename main' entry in /etc/apt/sources.list or /etc/apt/sources.list.d/ to derive an archive URI from"
if cmp -s "$srclist.new" "$srclist"; then rm -f "$srclist.new"; else mv "$srclist.new" "$srclist"; fi
: >> "$aptdir/status"

aptopts=(
	-o Dir::Etc::sourcelist="$srclist"
	-o Dir::Etc::sourceparts=-
	-o Dir::Etc::preferences=/dev/null
	-o Dir::Etc::preferencesparts="$aptdir/empty.d"
	-o Dir::State::Lists="$aptdir/lists"
	-o Dir::State::status="$aptdir/status"
	-o Dir::Cache="$aptdir/cache"
	-o APT::Architecture="$arch"
	-o APT::Architectures::="$arch"
	-o APT::Get::List-Cleanup=true
	-o APT::Sandbox::User=root
	-o Acquire::Languages=none
	-o Debug::NoLocking=true
)
acache() { apt-cache "${aptopts[@]}" "$@"; }

if $refresh || [ ! -e "$aptdir/updated" ] || [ "$srclist" -nt "$aptdir/updated" ]; then
	log "apt-get update for $suite/$arch ($(grep -c '^deb ' "$srclist") sources in $srclist)"
	# A mirror caught mid-sync gives "File has unexpected size": retry once,
	# then go on with the indexes that did download if the suite's own
	# Packages index is among them (apt keeps the others out), and say so.
	ok=false
	for try in 1 2; do
		if apt-get "${aptopts[@]}" -q -o APT::Update::Error-Mode=any update >&2; then ok=true; break; fi
		[ $try = 2 ] || { log "apt-get update failed; retrying in 10 s"; sleep 10; }
	done
	if ! $ok; then
		ls "$aptdir"/lists/*_dists_"${suite}"_main_binary-"${arch}"_Packages* >/dev/null 2>&1 ||
			die "apt-get update failed for suite '$suite' arch '$arch' (does the suite exist for $arch? sources: $srclist)"
		log "WARNING: some indexes of $suite/$arch failed to download (see above); using the ones that did: the kernel found may be older than the newest in the archive"
	fi
	touch "$aptdir/updated"
fi

# --- resolve the ABI ------------------------------------------------------
# Field of the candidate version of a package, empty if there is none.
field() {
	acache show --no-all-versions "$1" 2>/dev/null | awk -v f="$2" '
		index($0, f ":") == 1 { sub(/^[^:]*:[ \t]*/, ""); v = $0; cont = 1; next }
		cont && /^[ \t]/ { v = v " " $0; next }
		{ cont = 0 }
		END { print v }'
}
exists() { [ -n "$(field "$1" Package)" ]; }

meta=
for f in "$flavour-$arch" "$flavour"; do
	if exists "linux-image-$f"; then meta=linux-image-$f; break; fi
done
if [ -z "$meta" ]; then
	have=$(acache pkgnames linux-image- 2>/dev/null | grep -Ev -- '-[0-9]|-dbg$' | sort | tr '\n' ' ')
	die "no metapackage linux-image-$flavour-$arch or linux-image-$flavour in $suite/$arch; flavours there: ${have:-none}"
fi
release=$(field "$meta" Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*linux-image-\([0-9][^ ]*\).*/\1/p' | head -n1)
release=${release%-unsigned}
[ -n "$release" ] || die "cannot tell the kernel release from the Depends of $meta"
hmeta=linux-headers-${meta#linux-image-}
if exists "$hmeta"; then
	hrel=$(field "$hmeta" Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*linux-headers-\([0-9][^ ]*\).*/\1/p' | head -n1)
	[ "$hrel" = "$release" ] || die "$meta names $release but $hmeta names $hrel (archive mid-update? retry later with --refresh)"
fi
log "$meta -> $release"

pkgs=()
if exists "linux-image-$release"; then pkgs+=("linux-image-$release")
elif exists "linux-image-$release-unsigned"; then pkgs+=("linux-image-$release-unsigned")
else die "linux-image-$release is not in $suite/$arch"; fi
# Newer suites (sid's 7.x) split the image: linux-image-RELEASE only depends
# on linux-binary-RELEASE (vmlinuz) and linux-modules-RELEASE (the modules).
for p in "linux-binary-$release" "linux-modules-$release"; do
	if exists "$p" && field "${pkgs[0]}" Depends | tr ',|' '\n\n' | grep -q "^[ \t]*$p\([ (]\|\$\)"; then
		pkgs+=("$p")
	fi
done
if $dbg; then
	exists "linux-image-$release-dbg" || die "no linux-image-$release-dbg in $suite/$arch (no debug package for this flavour)"
	pkgs+=("linux-image-$release-dbg")
fi
exists "linux-headers-$release" || die "linux-headers-$release is not in $suite/$arch"
pkgs+=("linux-headers-$release")
# the headers the arch-specific package needs (linux-headers-*-common)
for p in $(field "linux-headers-$release" Depends | tr ',|' '\n\n' | sed -n 's/^[ \t]*\(linux-headers-[^ (]*\).*/\1/p'); do
	pkgs+=("$p")
done

# --- download and unpack --------------------------------------------------
mkdir -p "$top/.unpacked"
for p in "${pkgs[@]}"; do
	fn=$(field "$p" Filename)
	[ -n "$fn" ] || die "no Filename for $p in $suite/$arch"
	deb=$debs/${fn##*/}
	if [ ! -s "$deb" ]; then
		log "downloading $p ($(($(field "$p" Size) / 1048576)) MiB)"
		(cd "$debs" && apt-get "${aptopts[@]}" -q download "$p" >&2) || die "apt-get download $p failed"
		[ -s "$deb" ] || die "apt-get download $p did not leave ${fn##*/} in $debs"
	fi
	stamp=$top/.unpacked/${deb##*/}
	if [ ! -e "$stamp" ]; then
		log "unpacking ${deb##*/}"
		dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed (disk full?)"
		touch "$stamp"
	fi
done

# --- report ---------------------------------------------------------------
first() { local x; for x in "$@"; do [ -e "$x" ] && { echo "$x"; return; }; done; return 0; }
modules=$(first "$root/lib/modules/$release" "$root/usr/lib/modules/$release")
vmlinuz=$(first "$root/boot/vmlinuz-$release" "$root/boot/vmlinux-$release" "$root/boot/image-$release" "$modules/vmlinuz")
config=$(first "$root/boot/config-$release" "$root/usr/src/linux-headers-$release/.config")
headers=$root/usr/src/linux-headers-$release
symvers=$headers/Module.symvers
vmlinux= dmodules=
if $dbg; then
	vmlinux=$(first "$root/usr/lib/debug/boot/vmlinux-$release" "$root/usr/lib/debug/vmlinux-$release")
	dmodules=$(first "$root/usr/lib/debug/lib/modules/$release" "$root/usr/lib/debug/usr/lib/modules/$release")
	[ -n "$vmlinux" ] || die "no vmlinux-$release under $root/usr/lib/debug"
	[ -n "$dmodules" ] || die "no debug modules for $release under $root/usr/lib/debug"
fi
[ -n "$modules" ] || die "no modules directory for $release under $root"
[ -s "$symvers" ] || die "no Module.symvers at $symvers"
[ -d "$headers/include" ] || die "no include/ under $headers (linux-headers-*-common missing?)"

{
	for k in RELEASE ROOT VMLINUX VMLINUZ MODULES DEBUG_MODULES SYMVERS HEADERS CONFIG; do
		case $k in
		RELEASE) v=$release ;; ROOT) v=$root ;; VMLINUX) v=$vmlinux ;;
		VMLINUZ) v=$vmlinuz ;; MODULES) v=$modules ;; DEBUG_MODULES) v=$dmodules ;;
		SYMVERS) v=$symvers ;; HEADERS) v=$headers ;; CONFIG) v=$config ;;
		esac
		printf '%s=%q\n' "$k" "$v"
	done
} > "$envfile.new"
mv "$envfile.new" "$envfile"
cat "$envfile"
