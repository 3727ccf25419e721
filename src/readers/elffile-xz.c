/* xz-compressed ELF images (modules as .ko.xz), decoded with liblzma. */
#include <errno.h>
#include <lzma.h>

#include "elffile-private.h"

/* Refuse streams whose dictionary needs more (xz -9 needs 65 MiB). */
#define XZ_MEMLIMIT ((uint64_t)128 << 20)

int ka_elf_unxz(const unsigned char *in, size_t len, struct ka_image *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;
	int err = 0;

	if (lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
		*out->why = xstrdup("cannot start the xz decoder");
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = len;
	do {
		size_t room;
		unsigned char *p = ka_image_room(out, &room);
		if (!p)
			break;
		s.next_out = p;
		s.avail_out = room;
		r = lzma_code(&s, LZMA_FINISH);
		out->n += room - s.avail_out;
		err = ka_image_check(out);
	} while (!err && r == LZMA_OK);
	lzma_end(&s);
	if (err)
		return err;
	if (r == LZMA_MEMLIMIT_ERROR) {
		*out->why = xasprintf("bad xz data (needs more than %llu MiB of "
				      "memory to decode)",
				      (unsigned long long)(XZ_MEMLIMIT >> 20));
		return -EINVAL;
	}
	if (r != LZMA_STREAM_END) {
		*out->why = xasprintf("bad xz data (%s)",
				      r == LZMA_BUF_ERROR ? "truncated" : "corrupt");
		return -EINVAL;
	}
	return ka_image_done(out);
}
