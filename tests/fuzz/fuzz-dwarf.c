/*
 * DWARF attribution (src/dwarf/): the input's DWARF opened the way check,
 * tree and explain open it (ka_dwarf_open; a decompressed image is handed
 * to libdwfl from memory), each reference attributed to function, line and
 * inline chain in one batch (ka_dwarf_attribute), and the direct calls of
 * the functions holding them read from DWARF call sites. Separate debug
 * files are searched in an empty directory first.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/dwarf.h"
#include "ksymaudit/refs.h"

/* Attributing every site of a big input says nothing more. */
#define MAX_SITES 64

static char empty_root[] = "/tmp/ka-fuzz-dwarf-XXXXXX";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	struct ka_dbg_opts o = {.debug_dir = empty_root};
	struct ka_refs refs = {0};
	struct ka_symindex ix = {0};
	struct ka_dwarf *dw;
	struct ka_gsite *sites;
	struct ka_elf e;
	size_t n;

	if (!once++ && !mkdtemp(empty_root))
		abort();
	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	dw = ka_dwarf_open(&e, &o, NULL);
	if (!dw)
		goto out;
	(void)ka_refs_collect(&e, NULL, NULL, &refs, NULL);
	n = refs.n < MAX_SITES ? refs.n : MAX_SITES;
	sites = calloc(n ? n : 1, sizeof(*sites));
	for (size_t i = 0; i < n; i++)
		sites[i] = (struct ka_gsite){.scn = refs.v[i].scn,
					     .offset = refs.v[i].offset,
					     .cookie = i};
	(void)ka_dwarf_attribute(dw, sites, n);
	ka_gsites_free(sites, n);
	if (ka_symindex_build(&e, &ix) >= 0)
		for (size_t i = 0; i < n; i++) {
			const struct ka_symindex_ent *f = ka_symindex_lookup(
				&ix, refs.v[i].scn, refs.v[i].offset);
			struct ka_dwarf_call *calls = NULL;
			if (f && f->func)
				(void)ka_dwarf_direct_calls(dw, &e, f->scn, f->offset,
							    f->size, &calls);
			free(calls);
		}
	ka_symindex_free(&ix);
	ka_dwarf_close(dw);
out:
	ka_refs_free(&refs);
	ka_elf_close(&e);
	return 0;
}
