/*
 * The sides of a diff as plain facts: a tree pass turned into the same
 * struct ka_report a `tree -j` report is read into (its facts moved, not
 * converted), lookups the diff checks share, and the header inlines a
 * module under audit uses.
 */
#include <stdlib.h>

#include "ksymaudit/diff.h"

/* The facts of res a `tree -j` report carries (header inlines and reach). */
static void take_facts(struct ka_kfacts *kf, struct ka_tree_result *res,
		       unsigned max_depth)
{
	*kf = (struct ka_kfacts){ .uses = res->facts.uses,
				  .n_uses = res->facts.n_uses,
				  .cap_uses = res->facts.cap_uses,
				  .reach = res->facts.reach,
				  .n_reach = res->facts.n_reach,
				  .cap_reach = res->facts.cap_reach,
				  .max_depth = max_depth };
	res->facts.uses = NULL;
	res->facts.n_uses = res->facts.cap_uses = 0;
	res->facts.reach = NULL;
	res->facts.n_reach = res->facts.cap_reach = 0;
	/* The walk's index points into the uses: it goes with them. */
	hashmap_foreach(&res->inlines, slot)
		free((char *)slot->key);
	hashmap_free(&res->inlines);
}

void ka_report_from_tree(struct ka_report *out, const char *label,
			 struct ka_run *side, struct ka_tree_result *res)
{
	*out = (struct ka_report){ .path = xstrdup(label) };
	out->exports = side->exports;
	side->exports = (struct ka_exportdb){ 0 };
	out->findings = side->findings;
	side->findings = (struct ka_findings){ 0 };
	take_facts(&out->facts, res, side->max_depth);
}

const struct ka_inline_use *ka_report_inline(const struct ka_report *r,
					     const char *fn)
{
	for (size_t i = 0; i < r->facts.n_uses; i++)
		if (!strcmp(r->facts.uses[i]->function, fn))
			return r->facts.uses[i];
	return NULL;
}

const struct ka_reach_fact *ka_report_reach(const struct ka_report *r,
					    const char *owner,
					    const char *function)
{
	size_t lo = 0, hi = r->facts.n_reach;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ka_reach_fact *x = &r->facts.reach[mid];
		int c = strcmp(x->owner, owner);
		if (!c)
			c = strcmp(x->function, function);
		if (!c)
			return x;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void ka_module_inlines_read(const struct ka_run *run,
			    const struct ka_module *m, const char *debug_root,
			    struct ka_module_inlines *out)
{
	struct ka_elf e;
	char *why = NULL;
	*out = (struct ka_module_inlines){ 0 };
	if (ka_elf_open(m->path, &e, &why) < 0) {
		free(why);
		return;
	}
	/* The module's debug info wherever check finds it: in the file,
	 * by build-id or .gnu_debuglink, or in Debian's layout. */
	struct ka_dbg_opts dopts = { .debug_dir = debug_root };
	struct ka_dwarf *dw = ka_dwarf_open(&e, &dopts, &why);
	free(why);
	struct ka_module_inlines all;
	if (ka_dwarf_inline_uses(dw, &all) == 0) {
		/* Only the kernel's header inlines: the module's own are its
		 * business. */
		out->have_dwarf = true;
		for (size_t i = 0; i < all.n; i++) {
			struct ka_inline_used *u = &all.v[i];
			if (!u->decl_file ||
			    !ka_path_is_header(&run->rules, u->decl_file)) {
				continue;
			}
			ARRAY_GROW(out->v, out->n, out->cap);
			out->v[out->n++] = *u;
			*u = (struct ka_inline_used){ 0 };
		}
		ka_module_inlines_free(&all);
	}
	ka_dwarf_close(dw);
	ka_elf_close(&e);
}
