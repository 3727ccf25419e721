/*
 * DWARF attribution: each reference of the input attributed to function,
 * line and inline chain, the way check does (src/dwarf/attribute.c through
 * ka_dbg) and the way tree does (src/dwarf/inlines.c through ka_dwarf).
 * Separate debug files are not searched (the debug root is empty).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "ksymaudit/dwarf.h"
#include "ksymaudit/refs.h"

/* Attributing every site of a big input says nothing more. */
#define MAX_SITES 64

static char empty_root[] = "/tmp/ka-fuzz-dwarf-XXXXXX";

static void check_path(struct ka_elf *e, const struct ka_refs *refs)
{
	struct ka_dbg_opts o = {.debug_root = empty_root,
				.debuginfo_dir = empty_root};
	char *why = NULL;
	struct ka_dbg *d = ka_dbg_open(e, &o, &why);

	free(why);
	if (!d)
		return;
	for (size_t i = 0; i < refs->n && i < MAX_SITES; i++) {
		struct ka_site s = {0};
		(void)ka_dbg_attribute(d, refs->v[i].scn, refs->v[i].offset, &s);
		ka_site_clear(&s);
	}
	ka_dbg_close(d);
}

static void tree_path(struct ka_elf *e, const struct ka_refs *refs)
{
	/* ka_dwarf opens a path: the image through a memfd. */
	int fd = memfd_create("fuzz-dwarf", MFD_CLOEXEC);
	char path[64];
	struct ka_dwarf *dw;
	struct ka_gsite *sites;
	size_t n = refs->n < MAX_SITES ? refs->n : MAX_SITES;

	if (fd < 0)
		return;
	if (write(fd, e->image, e->size) != (ssize_t)e->size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dw = ka_dwarf_open(e, path);
	if (dw) {
		sites = calloc(n ? n : 1, sizeof(*sites));
		for (size_t i = 0; i < n; i++)
			sites[i] = (struct ka_gsite){.scn = refs->v[i].scn,
						     .offset = refs->v[i].offset,
						     .cookie = i};
		(void)ka_inlines_attribute(dw, sites, n);
		ka_gsites_free(sites, n);
		ka_dwarf_close(dw);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	struct ka_refs refs = {0};
	struct ka_elf e;

	if (!once++ && !mkdtemp(empty_root))
		abort();
	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	(void)ka_refs_collect(&e, NULL, NULL, &refs, NULL);
	check_path(&e, &refs);
	tree_path(&e, &refs);
	ka_refs_free(&refs);
	ka_elf_close(&e);
	return 0;
}
