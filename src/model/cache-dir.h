/*
 * The fact cache's directory handle, shared by its files (private to
 * src/model): cache.c (the directory: open, load, store, eviction),
 * cache-key.c (the key of a file) and cache-codec.c (the entry format).
 */
#pragma once


#include "ksymaudit/cache.h"

struct ka_cache {
	char *dir;
	uint64_t max_bytes;
	char *tool;
	uint64_t opts; /* digest of the options that change facts */
	const struct ka_exportdb *db;
	struct strvec notes;
	struct ka_cache_stats st;
	unsigned seq;
};

/* Appends a note (stale or corrupt entries, write failures); thread-safe. */
void ka_cache_note(struct ka_cache *c, const char *fmt, ...) KA_PRINTF(2, 3);
/* Writes b to file (in c's directory) through a temporary file and a
 * rename; false, with a note, when it cannot. */
bool ka_cache_write_entry(struct ka_cache *c, const char *file,
			  const struct ka_wbuf *b);
