# Shared by tools/build-test-kernel.sh (6.1) and tools/build-test-kernel-7.sh
# (7.x): sourced (bash), after the caller defined die and log. Each step
# does one thing; the callers keep their stamps (what is cached, when it is
# redone).

# ensure_packages PKG...: installs the missing ones (tools/private-apt.sh).
# shellcheck source=private-apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/private-apt.sh"

kb_elapsed() { local t=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((t / 60)) $((t % 60)); }

# kb_run_logged LOG CMD...: output to LOG, at low priority (other builds
# share the machine); on failure shows its tail and dies.
kb_run_logged() {
	local logf=$1; shift
	if ! nice -n 10 "$@" >>"$logf" 2>&1; then
		tail -n 40 "$logf" >&2
		die "failed: $* (full log: $logf)"
	fi
}

# kb_build SRC OBJ LOG JOBS OPTS_ARRAY MUST_ARRAY: tinyconfig, the
# scripts/config arguments, olddefconfig, a check that every CONFIG_X=v of
# MUST survived, then `make vmlinux modules` (O=OBJ).
kb_build() {
	local src=$1 obj=$2 logf=$3 jobs=$4 m t0
	local -n kb_opts=$5 kb_must=$6
	: >"$logf"
	log "configuring $obj (tinyconfig + ${#kb_opts[@]} scripts/config arguments)"
	kb_run_logged "$logf" make -C "$src" O="$obj" tinyconfig
	kb_run_logged "$logf" "$src/scripts/config" --file "$obj/.config" "${kb_opts[@]}"
	kb_run_logged "$logf" make -C "$src" O="$obj" olddefconfig
	for m in "${kb_must[@]}"; do
		grep -qx "CONFIG_$m" "$obj/.config" ||
			die "CONFIG_$m did not survive olddefconfig (see $obj/.config)"
	done
	log "building vmlinux and modules in $obj with -j$jobs (log: $logf)"
	t0=$(date +%s)
	kb_run_logged "$logf" make -C "$src" O="$obj" -j"$jobs" vmlinux modules
	log "build of $obj took $(kb_elapsed "$t0")"
}

# kb_patched_files PATCH: the files a unified diff changes.
kb_patched_files() {
	sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "$1"
}

# kb_patch_tree SRC NSRC PATCH: NSRC becomes hard links to SRC, except the
# files PATCH changes, which get inodes of their own before it is applied
# (SRC keeps its contents).
kb_patch_tree() {
	local src=$1 nsrc=$2 patchfile=$3 f files
	files=$(kb_patched_files "$patchfile")
	[ -n "$files" ] || die "no '+++ b/FILE' lines in $patchfile"
	log "hard-linking $src to $nsrc and applying ${patchfile##*/}"
	cp -al "$src" "$nsrc"
	rm -f "$nsrc/.ksymaudit-stamp"
	for f in $files; do
		if [ -e "$nsrc/$f" ]; then
			cp -p "$nsrc/$f" "$nsrc/$f.ksymaudit-tmp"
			mv -f "$nsrc/$f.ksymaudit-tmp" "$nsrc/$f"
		fi
	done
	patch -d "$nsrc" -p1 --forward --no-backup-if-mismatch -s <"$patchfile" ||
		die "${patchfile##*/} does not apply to $src"
	for f in $files; do
		[ "$(stat -c %i "$src/$f")" != "$(stat -c %i "$nsrc/$f")" ] ||
			die "$f is still hard-linked to the old tree"
	done
}

# kb_incremental SRC NSRC OLD NEW PATCH LOG JOBS: NEW starts as a copy of
# OLD whose .*.cmd files name NSRC and NEW instead of SRC and OLD; the
# patched files are made newer than every object, so make rebuilds what
# depends on them and relinks.
kb_incremental() {
	local src=$1 nsrc=$2 old=$3 new=$4 patchfile=$5 logf=$6 jobs=$7 f t0 ncc
	: >"$logf"
	log "copying $old to $new and rewriting the source paths in its .*.cmd files"
	t0=$(date +%s)
	cp -a "$old" "$new"
	rm -f "$new/.ksymaudit-stamp"
	for f in $(kb_patched_files "$patchfile"); do
		touch "$nsrc/$f"
	done
	OLDP=$src NEWP=$nsrc OLDO=$old NEWO=$new \
		find "$new" -type f -name '.*.cmd' -exec perl -pi -e '
			s/\Q$ENV{OLDP}\E(?![\w.+-])/$ENV{NEWP}/g;
			s/\Q$ENV{OLDO}\E(?![\w.+-])/$ENV{NEWO}/g' {} +
	log "building vmlinux and modules in $new with -j$jobs (log: $logf)"
	kb_run_logged "$logf" make -C "$nsrc" O="$new" -j"$jobs" vmlinux modules
	ncc=$(grep -c '^  CC ' "$logf" || true)
	[ "$ncc" -gt 0 ] || die "the new build compiled nothing (see $logf)"
	log "new build took $(kb_elapsed "$t0") ($ncc files compiled, see $logf)"
}
