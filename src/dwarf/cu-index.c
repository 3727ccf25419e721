/*
 * An index of a file's compile units by address range, and of each CU's
 * functions by start address (built the first time a CU is asked about):
 * the subprogram DIE at an address without walking every CU.
 */
#include <dwarf.h>
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

bool ka_dwarf_func_die(struct ka_dwarf *dd, uint64_t addr, Dwarf_Die *out)
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
