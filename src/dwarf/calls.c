/*
 * Direct calls that have no relocation: the assembler resolves a call or
 * jump to a function of the same section itself (static helpers, tail
 * calls), so only the code knows them; the DWARF call sites
 * (DW_TAG_call_site) say where those instructions are. Uses an index of
 * each CU's functions, built on first use.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct cu_range {
	uint64_t lo, hi;
	size_t cu; /* index into cus */
};

struct cu_funcs {
	bool built;
	struct cu_func {
		uint64_t addr;
		Dwarf_Off die;
	} *v;
	size_t n, cap;
};

struct cu_index {
	Dwarf_Off *cus; /* CU DIE offsets */
	struct cu_funcs *funcs;
	size_t n_cus, cap_cus;
	struct cu_range *ranges; /* sorted by lo */
	size_t n_ranges, cap_ranges;
};

static int cmp_range(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static struct cu_index *index_cus(Dwarf *dw)
{
	struct cu_index *d = xcalloc(1, sizeof(*d));
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		if (dwarf_offdie(dw, off + hsize, &cu)) {
			ARRAY_GROW(d->cus, d->n_cus, d->cap_cus);
			size_t ci = d->n_cus++;
			d->cus[ci] = off + hsize;
			Dwarf_Addr base, lo, hi;
			ptrdiff_t ro = 0;
			while ((ro = dwarf_ranges(&cu, ro, &base, &lo, &hi)) > 0) {
				if (lo >= hi)
					continue;
				ARRAY_GROW(d->ranges, d->n_ranges, d->cap_ranges);
				d->ranges[d->n_ranges++] =
					(struct cu_range){ lo, hi, ci };
			}
		}
		off = next;
	}
	d->funcs = xcalloc(d->n_cus + 1, sizeof(*d->funcs));
	if (d->n_ranges)
		qsort(d->ranges, d->n_ranges, sizeof(*d->ranges), cmp_range);
	return d;
}

void ka_dwarf_cu_index_free(struct cu_index *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->funcs && i < d->n_cus; i++)
		free(d->funcs[i].v);
	free(d->funcs);
	free(d->cus);
	free(d->ranges);
	free(d);
}

static size_t cu_of(const struct cu_index *d, uint64_t addr)
{
	size_t lo = 0, hi = d->n_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Ranges of different CUs do not overlap; look back a little for
	 * a containing one. */
	for (size_t i = lo, k = 0; i-- > 0 && k < 4; k++)
		if (addr >= d->ranges[i].lo && addr < d->ranges[i].hi)
			return d->ranges[i].cu;
	return SIZE_MAX;
}

static int cmp_func(const void *a, const void *b)
{
	const struct cu_func *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void build_funcs(struct cu_index *d, Dwarf *dw, size_t ci)
{
	struct cu_funcs *f = &d->funcs[ci];
	Dwarf_Die cu, child;
	f->built = true;
	if (!dwarf_offdie(dw, d->cus[ci], &cu) || dwarf_child(&cu, &child))
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_subprogram)
			continue;
		Dwarf_Addr base, lo, hi;
		ptrdiff_t ro = 0;
		while ((ro = dwarf_ranges(&child, ro, &base, &lo, &hi)) > 0) {
			ARRAY_GROW(f->v, f->n, f->cap);
			f->v[f->n++] = (struct cu_func){ lo, dwarf_dieoffset(&child) };
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), cmp_func);
}

/* The subprogram DIE with a range that starts at addr. */
static bool func_die(struct ka_dwarf *dd, uint64_t addr, Dwarf_Die *out)
{
	if (!dd->cus)
		dd->cus = index_cus(dd->dw);
	struct cu_index *d = dd->cus;
	size_t ci = cu_of(d, addr);
	if (ci == SIZE_MAX)
		return false;
	if (!d->funcs[ci].built)
		build_funcs(d, dd->dw, ci);
	const struct cu_funcs *f = &d->funcs[ci];
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= f->n || f->v[lo].addr != addr)
		return false;
	return dwarf_offdie(dd->dw, f->v[lo].die, out) != NULL;
}

struct calls {
	uint64_t lo, hi; /* the node's DWARF range */
	uint64_t *ret;   /* return addresses of call sites in it */
	size_t n, cap;
};

static void find_calls(Dwarf_Die *parent, struct calls *c)
{
	Dwarf_Die child;
	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
			Dwarf_Attribute a;
			Dwarf_Addr pc;
			if ((dwarf_attr(&child, DW_AT_call_return_pc, &a) ||
			     dwarf_attr(&child, DW_AT_low_pc, &a)) &&
			    dwarf_formaddr(&a, &pc) == 0 && pc > c->lo &&
			    pc <= c->hi) {
				ARRAY_GROW(c->ret, c->n, c->cap);
				c->ret[c->n++] = pc;
			}
		} else if (tag == DW_TAG_lexical_block ||
			   tag == DW_TAG_inlined_subroutine) {
			find_calls(&child, c);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* x86: the target of the call/jmp instruction that ends at off. */
static bool x86_target(Elf_Data *data, uint64_t off, uint64_t *target,
		       uint64_t *site)
{
	const unsigned char *p = data->d_buf;
	if (!p || off > data->d_size)
		return false;
	if (off >= 5 && (p[off - 5] == 0xe8 || p[off - 5] == 0xe9)) {
		int32_t disp = (int32_t)((uint32_t)p[off - 4] |
					 (uint32_t)p[off - 3] << 8 |
					 (uint32_t)p[off - 2] << 16 |
					 (uint32_t)p[off - 1] << 24);
		*target = off + (uint64_t)(int64_t)disp;
		*site = off - 4;
		return true;
	}
	if (off >= 2 && p[off - 2] == 0xeb) {
		*target = off + (uint64_t)(int64_t)(int8_t)p[off - 1];
		*site = off - 1;
		return true;
	}
	return false;
}

size_t ka_dwarf_direct_calls(struct ka_dwarf *d, struct ka_elf *e, size_t scn,
			     uint64_t offset, uint64_t size,
			     struct ka_dwarf_call **out)
{
	unsigned m = e->ehdr.e_machine;
	*out = NULL;
	if ((m != EM_X86_64 && m != EM_386) || !size)
		return 0;
	uint64_t base = ka_dwarf_addr(d, scn, 0);
	Dwarf_Die die;
	if (base == UINT64_MAX || !func_die(d, base + offset, &die))
		return 0;
	Elf_Scn *s = elf_getscn(e->elf, scn);
	Elf_Data *data = s ? elf_rawdata(s, NULL) : NULL;
	if (!data)
		return 0;
	struct calls c = { .lo = base + offset, .hi = base + offset + size };
	find_calls(&die, &c);
	size_t n = 0;
	for (size_t i = 0; i < c.n; i++) {
		uint64_t ret = c.ret[i] - base, target, site;
		if (!x86_target(data, ret, &target, &site) ||
		    target >= data->d_size)
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = (struct ka_dwarf_call){ site, target };
	}
	free(c.ret);
	return n;
}
