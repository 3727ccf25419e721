/*
 * The one attribution of code locations: function, source line and inline
 * chain for many sites of one file in one pass. Only the CUs whose ranges
 * hold a site are read, and inside them only the subprograms, blocks and
 * inlined subroutines that cover one (every other subtree is skipped
 * through DW_AT_sibling). A per-address lookup would walk each CU again for
 * every site; vmlinux has tens of thousands of them.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

#define MAX_DEPTH 16

struct pending {
	uint64_t addr;
	size_t idx; /* into the caller's sites */
	Dwarf_Die frames[MAX_DEPTH]; /* [0]: subprogram, then inlines */
	unsigned depth;              /* 0: not covered yet */
	bool line_only;              /* filled from a CU without a frame */
};

struct walk {
	struct pending *p; /* sorted by addr */
	size_t n;
	size_t *touched; /* sites covered in the current CU */
	size_t n_touched;
	Dwarf_Die stack[MAX_DEPTH];
	unsigned depth;
};


static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* First pending site at or after addr. */
static size_t lower_bound(const struct walk *w, uint64_t addr)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->p[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Calls fn for every pending site in the DIE's ranges; returns the count. */
static size_t for_sites(struct walk *w, Dwarf_Die *die,
			void (*fn)(struct walk *, struct pending *))
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	size_t count = 0;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		for (size_t i = lower_bound(w, lo); i < w->n && w->p[i].addr < hi;
		     i++) {
			count++;
			if (fn)
				fn(w, &w->p[i]);
		}
	}
	return count;
}

static void take_stack(struct walk *w, struct pending *p)
{
	if (w->depth <= p->depth)
		return;
	if (!p->depth)
		w->touched[w->n_touched++] = (size_t)(p - w->p);
	memcpy(p->frames, w->stack, w->depth * sizeof(*w->stack));
	p->depth = w->depth;
}

static void walk_children(struct walk *w, Dwarf_Die *parent)
{
	Dwarf_Die child;
	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		bool frame = tag == DW_TAG_subprogram ||
			     tag == DW_TAG_inlined_subroutine;
		if (!frame && tag != DW_TAG_lexical_block)
			continue;
		if (!for_sites(w, &child, NULL))
			continue;
		if (frame) {
			if (w->depth >= MAX_DEPTH)
				continue;
			w->stack[w->depth++] = child;
			for_sites(w, &child, take_stack);
		}
		walk_children(w, &child);
		if (frame)
			w->depth--;
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* The one rule for naming a function: DW_AT_name, through abstract
 * origins and specifications, else the linkage name. */
static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n = NULL;
	if (dwarf_attr_integrate(die, DW_AT_name, &a))
		n = dwarf_formstring(&a);
	if (!n && dwarf_attr_integrate(die, DW_AT_linkage_name, &a))
		n = dwarf_formstring(&a);
	return n ? n : "?";
}

/*
 * Declared inline: DW_INL_declared_not_inlined or _declared_inlined, as
 * GCC says it. Clang does not record the keyword: every function it
 * inlined is DW_INL_inlined, so for a CU clang produced that is taken as
 * declared (the callers also want the declaration in a header, which is
 * what tells a header inline there).
 */
static bool declared_inline(Dwarf_Die *die, bool clang)
{
	Dwarf_Attribute a;
	Dwarf_Word v;
	if (!dwarf_attr_integrate(die, DW_AT_inline, &a) ||
	    dwarf_formudata(&a, &v) != 0)
		return false;
	return v == DW_INL_declared_not_inlined || v == DW_INL_declared_inlined ||
	       (clang && v == DW_INL_inlined);
}

/* What a CU gives every path of its sites. */
struct cuinfo {
	Dwarf_Die *cu;
	bool clang;        /* DW_AT_producer: clang (see declared_inline) */
	Dwarf_Files *files;
	const char *comp_dir;
	const char *module_dir;
};

static char *nice(const struct cuinfo *ci, const char *path)
{
	return path ? ka_dwarf_path(path, ci->comp_dir, ci->module_dir) : NULL;
}

static const char *call_file(Dwarf_Die *die, Dwarf_Files *files)
{
	Dwarf_Attribute a;
	Dwarf_Word idx;
	if (!files || !dwarf_attr(die, DW_AT_call_file, &a) ||
	    dwarf_formudata(&a, &idx) != 0)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

static unsigned attr_u(Dwarf_Die *die, int name)
{
	Dwarf_Attribute a;
	Dwarf_Word v;
	if (!dwarf_attr(die, name, &a) || dwarf_formudata(&a, &v) != 0)
		return 0;
	return (unsigned)v;
}

/* file:line of the site from the CU's line table. */
static void fill_line(struct ka_site *s, const struct cuinfo *ci,
		      uint64_t addr)
{
	Dwarf_Line *line = dwarf_getsrc_die(ci->cu, addr);
	const char *file = line ? dwarf_linesrc(line, NULL, NULL) : NULL;
	s->has_debuginfo = true;
	if (!file)
		return;
	int ln = 0;
	dwarf_lineno(line, &ln);
	s->file = nice(ci, file);
	s->line = (unsigned)ln;
}

static void fill_site(struct ka_gsite *gs, struct pending *p,
		      const struct cuinfo *ci)
{
	struct ka_site *s = &gs->site;
	Dwarf_Die *sub = &p->frames[0];
	if (p->line_only) {
		free(s->file);
		s->file = NULL;
	}
	s->function = xstrdup(die_name(sub));
	fill_line(s, ci, p->addr);
	const char *odecl = dwarf_decl_file(sub);
	if (odecl) {
		gs->outer_decl_file = nice(ci, odecl);
		int dl = 0;
		dwarf_decl_line(sub, &dl);
		gs->outer_decl_line = (unsigned)dl;
		gs->outer_inline = declared_inline(sub, ci->clang);
	}
	gs->frame_off = xcalloc(p->depth, sizeof(*gs->frame_off));
	gs->frame_inline = xcalloc(p->depth, sizeof(*gs->frame_inline));
	/* Innermost first. */
	for (unsigned k = p->depth; k-- > 1;) {
		Dwarf_Die *f = &p->frames[k];
		char *decl = nice(ci, dwarf_decl_file(f));
		char *cf = nice(ci, call_file(f, ci->files));
		int dl = 0;
		dwarf_decl_line(f, &dl);
		gs->frame_off[s->n_chain] = dwarf_dieoffset(f);
		gs->frame_inline[s->n_chain] = declared_inline(f, ci->clang);
		ka_inline_chain_push(s, die_name(f), decl, (unsigned)dl, cf,
				     attr_u(f, DW_AT_call_line));
		free(decl);
		free(cf);
	}
}

/* Sites in the CU's ranges that no subprogram covers (assembler code):
 * the line table still knows their line. */
static void mark_line_only(struct walk *w, struct pending *p)
{
	if (p->depth || p->line_only)
		return;
	p->line_only = true;
	w->touched[w->n_touched++] = (size_t)(p - w->p);
}

/* CUs read through one libdw handle of a linked image (ka_cu_iter). */
#define LINE_TABLES_PER_HANDLE 128

int ka_dwarf_attribute(struct ka_dwarf *d, struct ka_gsite *sites, size_t n)
{
	if (!n)
		return 0;
	if (!d)
		return -ENOENT;
	struct walk w = { .n = n };
	w.p = xcalloc(n, sizeof(*w.p));
	w.touched = xcalloc(n, sizeof(*w.touched));
	for (size_t i = 0; i < n; i++)
		w.p[i] = (struct pending){
			.idx = i,
			.addr = ka_dwarf_addr(d, sites[i].scn, sites[i].offset) };
	qsort(w.p, n, sizeof(*w.p), cmp_pending);

	struct ka_cu_iter it;
	Dwarf_Die cu;
	ka_cu_iter_begin(&it, d, LINE_TABLES_PER_HANDLE);
	while (ka_cu_iter_next(&it, &cu)) {
		if (for_sites(&w, &cu, NULL)) {
			w.depth = 0;
			walk_children(&w, &cu);
			size_t n_framed = w.n_touched;
			for_sites(&w, &cu, mark_line_only);
			Dwarf_Attribute a;
			size_t nfiles;
			struct cuinfo ci = {
				.cu = &cu,
				.comp_dir = dwarf_formstring(
					dwarf_attr(&cu, DW_AT_comp_dir, &a)),
				.module_dir = d->module_dir,
			};
			const char *producer = dwarf_formstring(
				dwarf_attr(&cu, DW_AT_producer, &a));
			ci.clang = producer && strstr(producer, "clang");
			if (w.n_touched &&
			    dwarf_getsrcfiles(&cu, &ci.files, &nfiles) != 0)
				ci.files = NULL;
			for (size_t i = 0; i < w.n_touched; i++) {
				struct pending *p = &w.p[w.touched[i]];
				if (i < n_framed) {
					fill_site(&sites[p->idx], p, &ci);
				} else {
					fill_line(&sites[p->idx].site, &ci, p->addr);
				}
			}
			w.n_touched = 0;
		}
	}
	ka_cu_iter_end(&it);
	free(w.p);
	free(w.touched);
	return 0;
}

void ka_gsites_free(struct ka_gsite *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		ka_site_clear(&v[i].site);
		free(v[i].frame_off);
		free(v[i].frame_inline);
		free(v[i].outer_decl_file);
	}
	free(v);
}
