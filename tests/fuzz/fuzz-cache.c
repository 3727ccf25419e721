/*
 * Fact-cache entries (src/model/cache.c): the input as a whole entry
 * (header checks), and the input as the payload of an entry with a valid
 * header and checksum, so that the payload decoder sees every input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ksymaudit/cache.h"

static const char tool[] = "ksymaudit fuzz exe:0";

static void decode(const void *buf, size_t len, const struct ka_cache_key *key)
{
	struct ka_file_facts f;
	char *why = NULL;
	ka_file_facts_init(&f);
	if (ka_cache_decode(buf, len, key, tool, "fuzz.ko", "fuzz", &f,
			    &why) == 0) {
		/* What was read must encode again (every string set). */
		struct ka_wbuf w = { 0 };
		ka_cache_encode(key, tool, "fuzz.ko", &f, &w);
		ka_wbuf_free(&w);
	}
	free(why);
	ka_file_facts_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_cache_key key = { .h = { 1, 2 } };
	decode(data, size, &key);

	/* The same bytes behind a valid header: an empty entry's header,
	 * with the payload length and checksum of data. */
	struct ka_file_facts empty;
	struct ka_wbuf w = { 0 };
	ka_file_facts_init(&empty);
	ka_cache_encode(&key, tool, "fuzz.ko", &empty, &w);
	ka_file_facts_free(&empty);
	/* Keep magic, format, tool and key; length and checksum follow. */
	w.n = 16 + 4 + 4 + strlen(tool) + 16;
	ka_wbuf_u64(&w, size);
	ka_wbuf_u64(&w, ka_hash64(data, size, 0));
	ka_wbuf_bytes(&w, data, size);
	decode(w.p, w.n, &key);
	ka_wbuf_free(&w);
	return 0;
}
