/* gzip-compressed ELF images (modules as .ko.gz), decoded with zlib. */
#include <errno.h>
#include <zlib.h>

#include "elffile-private.h"

int ka_elf_ungzip(const unsigned char *in, size_t len, struct ka_image *out)
{
	z_stream s = {0};
	int r = Z_OK, err = 0;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		*out->why = xstrdup("cannot start the gzip decoder");
		return -ENOMEM;
	}
	s.next_in = (Bytef *)in;
	for (;;) {
		size_t room, used = (size_t)(s.next_in - in);
		unsigned char *p = ka_image_room(out, &room);

		if (!p)
			break;
		if (room > UINT32_MAX)
			room = UINT32_MAX;
		s.avail_in = (uInt)(len - used > UINT32_MAX ? UINT32_MAX
							     : len - used);
		s.next_out = p;
		s.avail_out = (uInt)room;
		r = inflate(&s, Z_NO_FLUSH);
		out->n += room - s.avail_out;
		err = ka_image_check(out);
		if (err || r != Z_OK)
			break;
		/* Member complete with more input: gzip allows concatenation. */
	}
	inflateEnd(&s);
	if (err)
		return err;
	if (r != Z_STREAM_END) {
		*out->why = xasprintf("bad gzip data (%s)",
				      r == Z_BUF_ERROR ? "truncated" : "corrupt");
		return -EINVAL;
	}
	return ka_image_done(out);
}
