/*
 * How often each header inline was inlined in one file: the denominator of
 * the inline-exposure evidence (instances that carry a reference against
 * all instances of the inline). One pass over the subprogram trees of every
 * CU; types and data DIEs are skipped through DW_AT_sibling.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

#include "ksymaudit/dwarf.h"
#include "internal.h"

#define MAX_NEST 64

/* Abstract origin offset -> instances, for one CU (open addressing). */
struct origins {
	struct origin {
		Dwarf_Off off; /* 0: empty */
		unsigned n;
	} *v;
	size_t n, cap;
};

static void origin_add(struct origins *o, Dwarf_Off off)
{
	if ((o->n + 1) * 2 > o->cap) {
		struct origins g = { .cap = o->cap ? o->cap * 2 : 256 };
		g.v = xcalloc(g.cap, sizeof(*g.v));
		for (size_t i = 0; i < o->cap; i++)
			if (o->v[i].off)
				for (size_t h = (size_t)(o->v[i].off * 0x9e3779b97f4a7c15ull) & (g.cap - 1);;
				     h = (h + 1) & (g.cap - 1))
					if (!g.v[h].off) {
						g.v[h] = o->v[i];
						g.n++;
						break;
					}
		free(o->v);
		*o = g;
	}
	for (size_t h = (size_t)(off * 0x9e3779b97f4a7c15ull) & (o->cap - 1);;
	     h = (h + 1) & (o->cap - 1)) {
		if (o->v[h].off == off) {
			o->v[h].n++;
			return;
		}
		if (!o->v[h].off) {
			o->v[h] = (struct origin){ off, 1 };
			o->n++;
			return;
		}
	}
}

static bool has_code(Dwarf_Die *die)
{
	return dwarf_hasattr(die, DW_AT_low_pc) ||
	       dwarf_hasattr(die, DW_AT_ranges);
}

static void count_origin(struct origins *o, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die origin;
	if (!dwarf_attr(die, DW_AT_abstract_origin, &a) ||
	    !dwarf_formref_die(&a, &origin) || !has_code(die))
		return;
	origin_add(o, dwarf_dieoffset(&origin));
}

static void walk(struct origins *o, Dwarf_Die *parent, unsigned depth)
{
	Dwarf_Die child;
	if (depth >= MAX_NEST || dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_inlined_subroutine) {
			count_origin(o, &child);
		} else if (tag == DW_TAG_subprogram) {
			/* Abstract instances and declarations hold no code,
			 * hence no inlined instances. */
			if (!has_code(&child))
				continue;
			/* An out-of-line copy of an inline is an instance too. */
			if (dwarf_hasattr(&child, DW_AT_abstract_origin))
				count_origin(o, &child);
		} else if (tag != DW_TAG_lexical_block) {
			continue;
		}
		if (dwarf_haschildren(&child))
			walk(o, &child, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

void ka_inline_count_add(struct hashmap *m, const char *key, unsigned n)
{
	struct ka_inline_count *c = hashmap_get(m, key);
	if (!c) {
		size_t len = strlen(key) + 1;
		c = xcalloc(1, sizeof(*c) + len);
		memcpy(c->key, key, len);
		hashmap_put(m, c->key, c);
	}
	c->n += n;
}

void ka_inline_counts_free(struct hashmap *m)
{
	if (!m)
		return;
	hashmap_foreach(m, slot)
		free(slot->value);
	hashmap_free(m);
}

char *ka_inline_key(const char *function, const char *decl_file,
		    unsigned decl_line)
{
	return xasprintf("%s\t%s:%u", function, base_name(decl_file),
			 decl_line);
}

/* Adds the CU's counts of header inlines to out. */
static void flush(struct origins *o, Dwarf *dw, struct hashmap *out)
{
	for (size_t i = 0; i < o->cap; i++) {
		if (!o->v[i].off)
			continue;
		Dwarf_Die d;
		if (!dwarf_offdie(dw, o->v[i].off, &d))
			continue;
		const char *name = dwarf_diename(&d);
		const char *file = dwarf_decl_file(&d);
		int line = 0;
		if (!name || !file || !str_ends(file, ".h"))
			continue;
		dwarf_decl_line(&d, &line);
		char *key = ka_inline_key(name, file, (unsigned)line);
		ka_inline_count_add(out, key, o->v[i].n);
		free(key);
	}
	if (o->cap) /* o->v is NULL until the first insertion (UBSan nonnull) */
		memset(o->v, 0, o->cap * sizeof(*o->v));
	o->n = 0;
}

int ka_inline_counts(struct ka_dwarf *d, struct hashmap *out)
{
	if (!d)
		return -1;
	struct origins o = { 0 };
	struct ka_cu_iter it;
	Dwarf_Die cu;
	ka_cu_iter_begin(&it, d, 128);
	while (ka_cu_iter_next(&it, &cu)) {
		walk(&o, &cu, 0);
		flush(&o, it.cur, out);
	}
	ka_cu_iter_end(&it);
	free(o.v);
	return 0;
}

/* True when the location expression holds DW_OP_addr in [lo, hi). */
static bool expr_names(const Dwarf_Op *ops, size_t n, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].atom == DW_OP_addr && ops[i].number >= lo &&
		    ops[i].number < hi)
			return true;
	return false;
}

/* A pointer to a function (through typedefs and qualifiers). */
static bool function_pointer(Dwarf_Die *param)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(param, DW_AT_type, &a) ||
	    !dwarf_formref_die(&a, &t))
		return false;
	bool ptr = false;
	for (int i = 0; i < 8; i++) {
		int tag = dwarf_tag(&t);
		if (tag == DW_TAG_subroutine_type)
			return ptr;
		if (tag == DW_TAG_pointer_type)
			ptr = true;
		else if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
			 tag != DW_TAG_volatile_type)
			return false;
		if (!dwarf_attr(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return false;
	}
	return false;
}

bool ka_inline_param_names(struct ka_dwarf *d, uint64_t die_off,
			   uint64_t lo, uint64_t hi, bool call)
{
	Dwarf *dw = d ? d->dw : NULL;
	Dwarf_Die die, child;
	if (!dw || !dwarf_offdie(dw, die_off, &die) ||
	    dwarf_child(&die, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		Dwarf_Attribute a;
		if (!dwarf_attr(&child, DW_AT_location, &a)) {
			/* A callback the compiler folded into a direct call
			 * keeps no location. */
			if (call && !dwarf_hasattr(&child, DW_AT_const_value) &&
			    function_pointer(&child))
				return true;
			continue;
		}
		Dwarf_Addr base, start, end;
		Dwarf_Op *ops;
		size_t n;
		ptrdiff_t off = 0;
		while ((off = dwarf_getlocations(&a, off, &base, &start, &end,
						 &ops, &n)) > 0)
			if (expr_names(ops, n, lo, hi))
				return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}
