/* A content hash and a bounded binary reader and writer (ksymaudit/blob.h). */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/blob.h"

/* ---- XXH64 (Yann Collet's published specification) ---- */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Little-endian loads (one instruction where the host is little-endian). */
static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return le64toh(v);
}

static inline uint32_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline uint64_t round1(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t merge1(uint64_t acc, uint64_t v)
{
	acc ^= round1(0, v);
	return acc * P1 + P4;
}

uint64_t ka_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data, *end = p + len;
	uint64_t h;

	if (len >= 32) {
		uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed,
			 v4 = seed - P1;
		const unsigned char *limit = end - 32;
		do {
			v1 = round1(v1, rd64(p));
			v2 = round1(v2, rd64(p + 8));
			v3 = round1(v3, rd64(p + 16));
			v4 = round1(v4, rd64(p + 24));
			p += 32;
		} while (p <= limit);
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = merge1(h, v1);
		h = merge1(h, v2);
		h = merge1(h, v3);
		h = merge1(h, v4);
	} else {
		h = seed + P5;
	}
	h += (uint64_t)len;
	for (; p + 8 <= end; p += 8) {
		h ^= round1(0, rd64(p));
		h = rotl(h, 27) * P1 + P4;
	}
	if (p + 4 <= end) {
		h ^= (uint64_t)rd32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++) {
		h ^= *p * P5;
		h = rotl(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

/* ---- writer ---- */

void ka_wbuf_bytes(struct ka_wbuf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void ka_wbuf_u8(struct ka_wbuf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	ka_wbuf_bytes(b, &c, 1);
}

void ka_wbuf_u32(struct ka_wbuf *b, uint32_t v)
{
	unsigned char c[4];
	for (int i = 0; i < 4; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	ka_wbuf_bytes(b, c, 4);
}

void ka_wbuf_u64(struct ka_wbuf *b, uint64_t v)
{
	unsigned char c[8];
	for (int i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	ka_wbuf_bytes(b, c, 8);
}

#define NULL_STR UINT32_MAX

void ka_wbuf_str(struct ka_wbuf *b, const char *s)
{
	if (!s) {
		ka_wbuf_u32(b, NULL_STR);
		return;
	}
	size_t n = strlen(s);
	ka_wbuf_u32(b, (uint32_t)n);
	ka_wbuf_bytes(b, s, n);
}

void ka_wbuf_free(struct ka_wbuf *b)
{
	free(b->p);
	*b = (struct ka_wbuf){ 0 };
}

/* ---- reader ---- */

static const unsigned char *take(struct ka_rbuf *b, size_t n)
{
	if (b->bad || b->n - b->off < n) {
		b->bad = true;
		return NULL;
	}
	const unsigned char *p = b->p + b->off;
	b->off += n;
	return p;
}

unsigned ka_rbuf_u8(struct ka_rbuf *b)
{
	const unsigned char *p = take(b, 1);
	return p ? *p : 0;
}

uint32_t ka_rbuf_u32(struct ka_rbuf *b)
{
	const unsigned char *p = take(b, 4);
	return p ? rd32(p) : 0;
}

uint64_t ka_rbuf_u64(struct ka_rbuf *b)
{
	const unsigned char *p = take(b, 8);
	return p ? rd64(p) : 0;
}

char *ka_rbuf_str(struct ka_rbuf *b)
{
	uint32_t n = ka_rbuf_u32(b);
	if (b->bad || n == NULL_STR)
		return NULL;
	const unsigned char *p = take(b, n);
	if (!p)
		return NULL;
	if (memchr(p, 0, n)) {
		b->bad = true;
		return NULL;
	}
	return xstrndup((const char *)p, n);
}

uint32_t ka_rbuf_count(struct ka_rbuf *b, size_t min_size)
{
	uint32_t n = ka_rbuf_u32(b);
	if (!b->bad && min_size && n > (b->n - b->off) / min_size)
		b->bad = true;
	return b->bad ? 0 : n;
}
