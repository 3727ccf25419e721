#!/bin/sh
# The fact cache of tree, explain and diff (src/model/cache.c) on the mini
# kernel of test-tree.sh: the same output with and without it, cold and
# warm; a corrupted entry (truncated, flipped bytes, another format
# version, another build, garbage) is ignored with a note and the output is
# unchanged; a change of an export's license is not answered from the
# cache; the size bound holds; --no-cache and an unusable directory;
# --progress=plain.
# Usage: test-cache.sh KSYMAUDIT SRC_DIR FIXTURE_SRC_DIR RULES_DIR
set -eu
export LC_ALL=C
bin=$(realpath "$1") src=$(realpath "$2") fxsrc=$(realpath "$3") rules=$(realpath "$4")
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
ko() { echo "FAIL $*"; fail=1; }

# shellcheck source=mini-kernel.sh
. "$(dirname "$0")/mini-kernel.sh"
cd "$tmp"
export XDG_CACHE_HOME="$tmp/xdg"
kernel="--vmlinux vmlinux -m mods --debug-root /nonexistent -r $rules"

# ks NAME ARGS...: runs ksymaudit, output NAME.out, stderr NAME.err,
# exit status NAME.rc
ks() {
	n=$1
	shift
	rc=0
	"$bin" "$@" >"$n.out" 2>"$n.err" || rc=$?
	echo "$rc" >"$n.rc"
}
same() { # same A B WHAT
	cmp -s "$1.out" "$2.out" && cmp -s "$1.rc" "$2.rc" ||
		{ ko "$3: output differs"; diff -u "$1.out" "$2.out" | head -20; cat "$2.err"; }
}
entries() { find "$1" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9a-f]{32}' | sort; }

# shellcheck disable=SC2086
{
ks ref tree $kernel -j --no-cache
ks reftxt tree $kernel --no-cache
ks refx explain $kernel gpl_core --no-cache
[ -e xdg ] && ko "--no-cache created $tmp/xdg"
grep -q '"findings"' ref.out || ko "reference run: no JSON"

# Cold, then warm: the same output; the warm run reads all three files.
ks cold tree $kernel -j --cache-dir c --progress=plain
same ref cold "cold cache"
[ "$(entries c | wc -l)" = 3 ] || { ko "cold run: $(entries c | wc -l) entries, expected 3"; ls -la c; }
grep -q '^ksymaudit: tree: 3/3 files (100%), 0 from the cache, .* files/s, .* s elapsed$' cold.err ||
	{ ko "--progress=plain line"; cat cold.err; }
grep -q '^ksymaudit: tree: 3 files in .* s; cache c: 0 read, 3 written, 0 rejected' cold.err ||
	{ ko "--progress=plain summary"; cat cold.err; }
ks warm tree $kernel -j --cache-dir c --progress=plain
same ref warm "warm cache"
grep -q '3/3 files (100%), 3 from the cache' warm.err || { ko "warm run did not read the cache"; cat warm.err; }
ks warmtxt tree $kernel --cache-dir c
same reftxt warmtxt "warm cache, text"
ks x1 explain $kernel gpl_core --cache-dir c
ks x2 explain $kernel gpl_core --cache-dir c --progress=plain
same refx x1 "explain, cold cache"
same refx x2 "explain, warm cache"
grep -q '3 from the cache' x2.err || { ko "explain did not read the cache"; cat x2.err; }

# The default directory: $XDG_CACHE_HOME/ksymaudit.
ks xdg tree $kernel -j
same ref xdg "default cache directory"
[ "$(entries xdg/ksymaudit | wc -l)" = 3 ] || ko "no entries under \$XDG_CACHE_HOME/ksymaudit"

# Options that change facts have entries of their own: text output (no
# reach facts) and explain added theirs.
[ "$(entries c | wc -l)" = 9 ] || { ko "$(entries c | wc -l) entries, expected 9"; ls -la c; }

# Corrupted entries: each is noted, removed, walked again; output unchanged.
rm -r c
ks cold2 tree $kernel -j --cache-dir c
same ref cold2 "cold cache again"
set -- $(entries c)
[ $# = 3 ] || { ko "expected 3 entries, have $#: $*"; ls -la c; }
sz=$(stat -c %s "$1")
head -c $((sz / 2)) "$1" >t && mv t "$1"                          # truncated
sz=$(stat -c %s "$2")
printf '\377\377\377\377' | dd of="$2" bs=1 seek=$((sz - 9)) conv=notrunc 2>/dev/null  # flipped
printf '\143' | dd of="$3" bs=1 seek=16 conv=notrunc 2>/dev/null   # format 99
ks bad tree $kernel -j --cache-dir c --progress=plain
same ref bad "corrupted cache"
grep -q "^ksymaudit: note: cache entry $1 (for .*): payload of .* bytes, .* present (truncated?): ignored$" bad.err ||
	{ ko "truncated entry: no note"; cat bad.err; }
grep -q "^ksymaudit: note: cache entry $2 (for .*): checksum mismatch: ignored$" bad.err ||
	{ ko "flipped bytes: no note"; cat bad.err; }
grep -q "^ksymaudit: note: c: 1 cache entries of another build or format of ksymaudit ignored and replaced$" bad.err ||
	{ ko "another format version: no note"; cat bad.err; }
grep -q '3/3 files (100%), 0 from the cache' bad.err || { ko "a corrupt entry was used"; cat bad.err; }
ks again tree $kernel -j --cache-dir c --progress=plain
same ref again "rewritten entries"
grep -q '3 from the cache' again.err || { ko "entries not rewritten"; cat again.err; }
# Another build's identity, garbage under an entry's name, an empty file.
set -- $(entries c)
sed 's/ksymaudit \([0-9.]*\) exe:/ksymaudit \1 exe;/' "$1" >t && mv t "$1"
echo garbage >"$2"
: >"$3"
ks bad2 tree $kernel -j --cache-dir c --progress=plain
same ref bad2 "foreign entries"
grep -q "1 cache entries of another build" bad2.err || { ko "another build: no note"; cat bad2.err; }
grep -q "cache entry $2 .*: not a ksymaudit cache entry: ignored" bad2.err || { ko "garbage: no note"; cat bad2.err; }
grep -q "cache entry $3 .*: not a ksymaudit cache entry: ignored" bad2.err || { ko "empty entry: no note"; cat bad2.err; }
# An entry that is a directory, or a FIFO: noted, never blocks.
set -- $(entries c)
rm "$1" "$2" && mkdir "$1" && mkfifo "$2"
ks bad3 tree $kernel -j --cache-dir c
same ref bad3 "non-file entries"
grep -q "cache entry $1 .*: ignored" bad3.err || { ko "directory entry: no note"; cat bad3.err; }
rm -rf "$1" "$2"

# A license change in the export database: files naming the symbol are
# walked again, and the answer is the one without a cache.
printf '0x00000000\tplain_func\tvmlinux\tEXPORT_SYMBOL_GPL\t\n' >Module.symvers
ks lic0 tree $kernel -s Module.symvers -j --no-cache
ks lic tree $kernel -s Module.symvers -j --cache-dir c --progress=plain
same lic0 lic "changed license"
cmp -s lic.out ref.out && ko "the license change changed nothing (test data)"
grep -q '3 from the cache' lic.err && { ko "changed license answered from the cache"; cat lic.err; }

# The bound: least recently used entries go; nothing larger is stored.
ks small tree $kernel -j --cache-dir small --cache-size 2K --progress=plain
same ref small "small cache"
total=$(entries small | xargs -r stat -c %s | awk '{ s += $1 } END { print s + 0 }')
[ "$total" -le 2048 ] || ko "cache of 2K holds $total bytes"
grep -q 'evicted' small.err || { ko "no eviction count"; cat small.err; }

# A directory that cannot be used: a note, and the run goes on.
: >afile
ks nodir tree $kernel -j --cache-dir afile/sub
same ref nodir "unusable cache directory"
grep -q "^ksymaudit: note: afile/sub: cannot use as cache directory: .*; walking without a cache$" nodir.err ||
	{ ko "unusable directory: no note"; cat nodir.err; }

# A file without a build-id is keyed by a hash of its bytes; for a large
# one (1 MiB and more) the hash is remembered by the file's identity
# (path, inode, size, times): a change of its bytes, even with its old
# modification time put back, is walked again.
mkdir big
head -c 1500000 /dev/zero >pad
objcopy --add-section .pad=pad mods/mod-a.ko big/mod-a.ko
cp mods/mod-b.ko big/
bigk="--vmlinux vmlinux -m big --debug-root /nonexistent -r $rules"
ks big0 tree $bigk -j --no-cache
ks big1 tree $bigk -j --cache-dir cb --progress=plain
ks big2 tree $bigk -j --cache-dir cb --progress=plain
same big0 big1 "large file, cold"
same big0 big2 "large file, warm"
grep -q '3 from the cache' big2.err || { ko "large file: not read from the cache"; cat big2.err; }
ls cb | grep -q '^m[0-9a-f]\{32\}$' || { ko "no remembered hash for the large file"; ls cb; }
t=$(stat -c %y big/mod-a.ko)
off=$(($(stat -c %s big/mod-a.ko) / 2))
printf 'x' | dd of=big/mod-a.ko bs=1 seek=$off conv=notrunc 2>/dev/null
touch -d "$t" big/mod-a.ko
ks big3 tree $bigk -j --cache-dir cb --progress=plain
same big0 big3 "large file, changed"
grep -q '2 from the cache' big3.err || { ko "a changed large file was answered from the cache"; cat big3.err; }

# Bad option values.
ks bo1 tree $kernel --cache-size lots
[ "$(cat bo1.rc)" = 2 ] && grep -q -- "--cache-size takes a size" bo1.err || ko "--cache-size lots accepted"
ks bo2 tree $kernel --progress=sometimes
[ "$(cat bo2.rc)" = 2 ] && grep -q -- "--progress takes auto, bar, plain or none" bo2.err || ko "--progress=sometimes accepted"
}

[ "$fail" = 0 ] && echo "cache: all passed"
exit "$fail"
