/*
 * The fact cache of the tree pass (src/model/cache.c): what the pass keeps
 * of one file (struct ka_file_facts), stored under a key made of the file's
 * contents, the export state of every symbol it names, the options that
 * change facts and the tool's identity, so that a later run over a file
 * with the same contents reads its facts instead of walking it.
 */
#pragma once

#include "ksymaudit/blob.h"
#include "ksymaudit/common.h"
#include "ksymaudit/elffile.h"
#include "ksymaudit/tree.h"

/* The version of the cache file format (the header's format field). */
#define KA_CACHE_FORMAT 1
/* Default bound of the cache directory: 1 GiB. */
#define KA_CACHE_DEFAULT_MAX ((uint64_t)1 << 30)

struct ka_cache;

struct ka_cache_key {
	uint64_t h[2];
	char name[33]; /* the entry's file name: 32 hex digits */
};

/*
 * The default directory: $XDG_CACHE_HOME/ksymaudit, else
 * $HOME/.cache/ksymaudit; NULL when neither is set (owned by the caller).
 */
char *ka_cache_default_dir(void);
/*
 * Opens (creating it if needed) the cache in dir, bounded to max_bytes
 * (0: KA_CACHE_DEFAULT_MAX). Returns NULL with a message in *why (owned by
 * the caller) when dir cannot be used.
 */
struct ka_cache *ka_cache_open(const char *dir, uint64_t max_bytes,
			       char **why) KA_WUR;
/*
 * Binds the cache to a run before its first lookup: the options that change
 * a file's facts (checks, explain symbol, reach, depth, debug root, header
 * rules) and the export database that keys depend on.
 */
void ka_cache_bind(struct ka_cache *c, const struct ka_run *run,
		   const struct ka_tree_opts *o);
/*
 * The key of an opened file: its build-id and size (else a hash of its
 * bytes), owner, the options and the export state of its symbols. Returns
 * 0, or -1 when the file is not cached (no DWARF of its own: its facts
 * would depend on a separate debug file).
 */
int ka_cache_key(struct ka_cache *c, struct ka_elf *e, const char *owner,
		 struct ka_cache_key *key);
/*
 * True when the run's kernel image (o->vmlinux) has an entry: a walk of
 * that kernel is then short. The entry is not read (nor checked).
 */
bool ka_cache_has_image(struct ka_cache *c, const struct ka_run *run,
			const struct ka_tree_opts *o);
/*
 * Fills f (initialised, empty) with the facts stored under key, their
 * object paths set to path and owners to owner. Returns 0, or -1 when
 * there is no usable entry (a stale or corrupt one is noted and removed).
 */
int ka_cache_load(struct ka_cache *c, const struct ka_cache_key *key,
		  const char *path, const char *owner,
		  struct ka_file_facts *f);
/* Stores f under key (written to a temporary file, then renamed). */
void ka_cache_store(struct ka_cache *c, const struct ka_cache_key *key,
		    const char *path, const struct ka_file_facts *f);

struct ka_cache_stats {
	unsigned hits, misses, stored, evicted;
	unsigned rejected; /* corrupt entries (each noted) */
	unsigned stale;    /* of another build or format (noted once) */
	uint64_t bytes; /* size of the entries after eviction */
};
/*
 * Evicts the least recently used entries until the directory is under its
 * bound, then frees c. Notes (stale or corrupt entries, write failures)
 * are appended to notes; stats, when not NULL, receives the counts.
 */
void ka_cache_close(struct ka_cache *c, struct strvec *notes,
		    struct ka_cache_stats *stats);

/*
 * The file format, for tests and the fuzz target. ka_cache_encode writes
 * the whole entry (header, checksum, payload) for key; ka_cache_decode
 * checks and reads one: 0 and f filled, or with the reason in *why (owned
 * by the caller) and f left empty -2 for an entry of another format or
 * build of the tool (stale), -1 for any other problem (corrupt).
 */
void ka_cache_encode(const struct ka_cache_key *key, const char *tool,
		     const char *path, const struct ka_file_facts *f,
		     struct ka_wbuf *out);
int ka_cache_decode(const void *buf, size_t len,
		    const struct ka_cache_key *key, const char *tool,
		    const char *path, const char *owner,
		    struct ka_file_facts *f, char **why);
/* The tool identity a cache entry must carry (owned by c). */
const char *ka_cache_tool(const struct ka_cache *c);
