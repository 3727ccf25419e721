/*
 * A 64-bit content hash (XXH64) and a small binary writer and bounded
 * reader for versioned files such as the fact cache (src/model/cache.c):
 * little-endian integers, strings as a length and bytes.
 */
#pragma once

#include "ksymaudit/common.h"

/* XXH64 of len bytes at p with seed (the published algorithm). */
uint64_t ka_hash64(const void *p, size_t len, uint64_t seed);

/* A growable byte buffer (owned). */
struct ka_wbuf {
	unsigned char *p;
	size_t n, cap;
};
void ka_wbuf_bytes(struct ka_wbuf *b, const void *p, size_t n);
void ka_wbuf_u8(struct ka_wbuf *b, unsigned v);
void ka_wbuf_u32(struct ka_wbuf *b, uint32_t v);
void ka_wbuf_u64(struct ka_wbuf *b, uint64_t v);
/* A string, or NULL (told apart from ""). */
void ka_wbuf_str(struct ka_wbuf *b, const char *s);
void ka_wbuf_free(struct ka_wbuf *b);

/*
 * Reads what ka_wbuf wrote, never past the end: a read past it, a string
 * with a NUL byte inside or a count larger than the bytes left sets bad
 * and returns zeros (NULL for strings) from then on.
 */
struct ka_rbuf {
	const unsigned char *p;
	size_t n, off;
	bool bad;
};
unsigned ka_rbuf_u8(struct ka_rbuf *b);
uint32_t ka_rbuf_u32(struct ka_rbuf *b);
uint64_t ka_rbuf_u64(struct ka_rbuf *b);
/* A new string (owned by the caller), or NULL (written as NULL, or bad). */
char *ka_rbuf_str(struct ka_rbuf *b);
/* A count of items of at least min_size bytes each that can still follow. */
uint32_t ka_rbuf_count(struct ka_rbuf *b, size_t min_size);
