/* Small shared helpers: allocation, string vectors, attribute macros. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

#define KA_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define KA_WUR __attribute__((warn_unused_result))
#define KA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define KA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The lifetime rule (kmod's): every X_free()/X_close() accepts NULL and a
 * zeroed object and does nothing with them, and one that frees an object
 * in place leaves it zeroed, so a second call is harmless; a constructor
 * that fails leaves its output safe to free. Callers need no "was it set
 * up" flags. Each destructor's comment says so where it is declared.
 */

/* Allocation that aborts on failure: out-of-memory is not an input error. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) KA_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) KA_PRINTF(1, 0);

/* Workers for n jobs: threads (-t), or one per CPU when it is 0, at most n. */
unsigned ka_workers(unsigned threads, size_t n);

/*
 * Weighted jobs (src/util/jobq.c), for one process that hands them out
 * (procpool.h) or runs them itself: ka_jobq_take returns the first job, in
 * index order, whose weight fits under budget with those in flight (any
 * job when none is in flight; one of at most budget/16 at any time), and
 * SIZE_MAX when all are taken or, while some are in flight, none fits;
 * ka_jobq_done returns a job's weight.
 */
struct ka_jobq {
	uint64_t *weight, inflight, budget;
	unsigned char *taken;
	size_t n, first, left;
};
void ka_jobq_init(struct ka_jobq *q, const uint64_t *weights, size_t n,
		  uint64_t budget);
size_t ka_jobq_take(struct ka_jobq *q);
void ka_jobq_done(struct ka_jobq *q, size_t i);
/* NULL or zeroed: nothing; leaves *q zeroed. */
void ka_jobq_free(struct ka_jobq *q);
/*
 * A file's weight for the queue, about what walking its DWARF holds in
 * memory: its size, four times that when compressed (xz, zstd, gzip).
 */
uint64_t ka_file_weight(const char *path);
/*
 * The budget of the files walked at once (tree, check's attribution): a
 * larger file is walked with small ones only. Debian's generic 6.1 kernel:
 * vmlinux (633 MB) and amdgpu.ko (356 MB) at once peaked at 928 MB.
 */
#define KA_JOBQ_BUDGET ((uint64_t)512 << 20)

/* Growable array of owned strings. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct strvec *sv, const char *s);
void strvec_push_owned(struct strvec *sv, char *s);
bool strvec_contains(const struct strvec *sv, const char *s);
void strvec_sort_unique(struct strvec *sv);
/* NULL or zeroed: nothing; leaves *sv zeroed. */
void strvec_free(struct strvec *sv);

/* Generic growable array: ARRAY_PUSH(ptr, n, cap) returns the new slot. */
#define ARRAY_GROW(ptr, n, cap)                                                \
	do {                                                                   \
		if ((n) >= (cap)) {                                            \
			(cap) = (cap) ? (cap) * 2 : 8;                         \
			(ptr) = xrealloc((ptr), (cap) * sizeof(*(ptr)));       \
		}                                                              \
	} while (0)

static inline bool str_starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static inline bool str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/*
 * Problems with inputs, collected instead of printed: core code reports a
 * problem here and returns a negative errno; the command layer prints them
 * (or puts them into the JSON document).
 */
struct ka_diag {
	char *file;    /* the input named in the message, NULL when none */
	unsigned line; /* 0 when no line applies */
	bool fatal;    /* the input could not be used (exit status 2) */
	char *message;
};

struct ka_diags {
	struct ka_diag *v;
	size_t n, cap;
};

/* Records an input problem; fatal ones make the run exit with status 2. */
void ka_diag_add(struct ka_diags *d, bool fatal, const char *file,
		 unsigned line, const char *fmt, ...) KA_PRINTF(5, 6);
bool ka_diags_have_fatal(const struct ka_diags *d);
/* NULL or zeroed: nothing; leaves *d zeroed. */
void ka_diags_free(struct ka_diags *d);
