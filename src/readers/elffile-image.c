/*
 * The output of a decompressor (elffile-xz.c, -zstd.c, -zlib.c): grows in
 * steps up to a cap and gives up as soon as its first bytes are not an
 * ELF header, so a bomb or a wrong file costs little.
 */
#include <errno.h>
#include <stdlib.h>

#include "elffile-private.h"

/* Output of the first decoding step: enough to see the ELF header. */
#define FIRST_CHUNK ((size_t)64 << 10)

unsigned char *ka_image_room(struct ka_image *b, size_t *room)
{
	if (b->n >= b->cap) {
		size_t want = b->cap ? b->cap * 2 : FIRST_CHUNK;
		if (b->cap > b->max)
			return NULL;
		if (want > b->max + 1)
			want = b->max + 1; /* one byte more tells "past the cap" */
		b->p = xrealloc(b->p, want);
		b->cap = want;
	}
	*room = b->cap - b->n;
	return b->p + b->n;
}

static char *size_text(size_t n)
{
	if (n >= (1u << 30) && n % (1u << 30) == 0)
		return xasprintf("%zu GiB", n >> 30);
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		return xasprintf("%zu MiB", n >> 20);
	if (n >= (1u << 10) && n % (1u << 10) == 0)
		return xasprintf("%zu KiB", n >> 10);
	return xasprintf("%zu bytes", n);
}

int ka_image_check(struct ka_image *b)
{
	if (!b->checked && b->n >= SELFMAG) {
		b->checked = true;
		if (memcmp(b->p, ELFMAG, SELFMAG) != 0) {
			*b->why = xasprintf("%s data that does not hold an ELF "
					    "file (its first bytes are not \\177ELF): "
					    "not decompressed further", b->format);
			return -ENOEXEC;
		}
	}
	if (b->n > b->max) {
		char *lim = size_text(b->max);
		*b->why = xasprintf("%s data inflates past the %s limit on a "
				    "decompressed image (KSYMAUDIT_MAX_IMAGE_SIZE)",
				    b->format, lim);
		free(lim);
		return -EFBIG;
	}
	return 0;
}

int ka_image_done(struct ka_image *b)
{
	if (b->n < SELFMAG || memcmp(b->p, ELFMAG, SELFMAG) != 0) {
		*b->why = xasprintf("%s data that does not hold an ELF file",
				    b->format);
		return -ENOEXEC;
	}
	return 0;
}
