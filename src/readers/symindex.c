/* Functions and data objects by section offset, to name a site's container. */
#include <errno.h>
#include <stdlib.h>

#include "ksymaudit/refs.h"

static int cmp_ent(const void *a, const void *b)
{
	const struct ka_symindex_ent *x = a, *y = b;
	if (x->scn != y->scn)
		return x->scn < y->scn ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* Prefer the sized, then the function entry at an equal address. */
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	return (int)y->func - (int)x->func;
}

int ka_symindex_build(struct ka_elf *e, struct ka_symindex *ix)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;
	ix->v = NULL;
	ix->n = 0;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    sh.sh_entsize == 0)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d)
			return -EINVAL;
		size_t n = d->d_size / sh.sh_entsize;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym s;
			GElf_Shdr tsh;
			if (!gelf_getsym(d, (int)i, &s))
				return -EINVAL;
			int t = GELF_ST_TYPE(s.st_info);
			if ((t != STT_FUNC && t != STT_OBJECT) ||
			    s.st_shndx == SHN_UNDEF ||
			    s.st_shndx >= SHN_LORESERVE)
				continue;
			const char *name = elf_strptr(e->elf, sh.sh_link,
						      s.st_name);
			Elf_Scn *ts = elf_getscn(e->elf, s.st_shndx);
			if (!name || !*name || !ts || !gelf_getshdr(ts, &tsh))
				continue;
			ARRAY_GROW(ix->v, ix->n, cap);
			ix->v[ix->n++] = (struct ka_symindex_ent){
				.name = name,
				.scn = s.st_shndx,
				.offset = e->ehdr.e_type == ET_REL
						  ? s.st_value
						  : s.st_value - tsh.sh_addr,
				.size = s.st_size,
				.func = t == STT_FUNC,
			};
		}
		break; /* one symbol table */
	}
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_ent);
	return 0;
}

const struct ka_symindex_ent *ka_symindex_lookup(const struct ka_symindex *ix,
						 size_t scn, uint64_t offset)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ka_symindex_ent *m = &ix->v[mid];
		if (m->scn < scn || (m->scn == scn && m->offset <= offset))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk back over entries at or before offset: one that covers it,
	   else the nearest one. */
	const struct ka_symindex_ent *nearest = NULL;
	for (size_t i = lo; i > 0; i--) {
		const struct ka_symindex_ent *m = &ix->v[i - 1];
		if (m->scn != scn)
			break;
		if (!nearest)
			nearest = m;
		if (offset < m->offset + m->size)
			return m;
		if (m->offset < nearest->offset)
			break;
	}
	return nearest;
}

void ka_symindex_free(struct ka_symindex *ix)
{
	if (!ix)
		return;
	free(ix->v);
	ix->v = NULL;
	ix->n = 0;
}
