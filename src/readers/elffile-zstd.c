/* zstd-compressed ELF images (modules as .ko.zst), decoded with libzstd. */
#include <errno.h>
#include <zstd.h>

#include "elffile-private.h"

int ka_elf_unzstd(const unsigned char *in, size_t len, struct ka_image *out)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, len, 0};
	size_t r = 1;
	int err = 0;

	if (!ds) {
		*out->why = xstrdup("cannot start the zstd decoder");
		return -ENOMEM;
	}
	ZSTD_initDStream(ds);
	for (;;) {
		size_t room, before = ib.pos;
		unsigned char *p = ka_image_room(out, &room);
		ZSTD_outBuffer ob;

		if (!p)
			break;
		ob = (ZSTD_outBuffer){p, room, 0};
		r = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(r)) {
			*out->why = xasprintf("bad zstd data (%s)",
					      ZSTD_getErrorName(r));
			err = -EINVAL;
			break;
		}
		out->n += ob.pos;
		err = ka_image_check(out);
		if (err)
			break;
		if (r == 0 && ib.pos == ib.size)
			break; /* last frame complete */
		if (ib.pos == before && ob.pos == 0 && ib.pos == ib.size) {
			*out->why = xstrdup("bad zstd data (truncated)");
			err = -EINVAL;
			break;
		}
	}
	ZSTD_freeDStream(ds);
	return err ? err : ka_image_done(out);
}
