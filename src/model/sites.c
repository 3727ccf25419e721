/*
 * Attaching sites (function, line, inline chain) to the gpl-only-use and
 * gpl-only-import findings of a check run.
 */
#include <errno.h>
#include <stdlib.h>

#include "ksymaudit/dwarf.h"
#include "ksymaudit/refs.h"
#include "ksymaudit/sites.h"


/* Findings of one module to explain: symbol -> finding index + 1. */
struct modwork {
	struct ka_run *run;
	const struct ka_module *m;
	struct hashmap want;
};

static bool finding_of(const struct ka_finding *f, const struct ka_module *m)
{
	return f->module && f->symbol && strcmp(f->module, m->name) == 0 &&
	       (!f->file || strcmp(f->file, m->path) == 0 || f->line);
}

static bool want_symbol(const char *symbol, const GElf_Sym *sym, void *arg)
{
	const struct modwork *w = arg;
	return sym->st_shndx == SHN_UNDEF && *symbol &&
	       hashmap_get(&w->want, symbol) != NULL;
}

static void outer_location(const struct ka_site *s, const char **file,
			   unsigned *line)
{
	if (s->n_chain && s->chain[s->n_chain - 1].call_file) {
		*file = s->chain[s->n_chain - 1].call_file;
		*line = s->chain[s->n_chain - 1].call_line;
	} else {
		*file = s->file;
		*line = s->line;
	}
}

static int cmp_str0(const char *a, const char *b)
{
	if (!a || !b)
		return a ? -1 : b ? 1 : 0;
	return strcmp(a, b);
}

static int cmp_site(const void *pa, const void *pb)
{
	const struct ka_site *a = pa, *b = pb;
	const char *fa, *fb;
	unsigned la, lb;
	int c;
	outer_location(a, &fa, &la);
	outer_location(b, &fb, &lb);
	if ((c = cmp_str0(fa, fb)))
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	if ((c = cmp_str0(a->function, b->function)))
		return c;
	if ((c = cmp_str0(a->section, b->section)))
		return c;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

static void add_site(struct modwork *w, struct ka_elf *e,
		     const struct ka_symindex *ix, struct ka_dbg *dbg,
		     const struct ka_ref *r)
{
	size_t idx = (size_t)(uintptr_t)hashmap_get(&w->want, r->symbol) - 1;
	struct ka_finding *f = &w->run->findings.v[idx];
	struct ka_site *s = ka_finding_add_site(f);
	Elf_Scn *scn = elf_getscn(e->elf, r->scn);
	const char *sname = scn ? ka_elf_section_name(e, scn) : NULL;
	const struct ka_symindex_ent *c = ka_symindex_lookup(ix, r->scn,
							     r->offset);

	s->kind = r->kind;
	s->section = xstrdup(sname ? sname : "?");
	s->offset = r->offset;
	if (c)
		s->function = xstrdup(c->name);
	if (dbg && r->kind != KA_REF_DATA)
		ka_dbg_attribute(dbg, r->scn, r->offset, s);
	else if (dbg)
		s->has_debuginfo = true; /* a data object has no inline chain */
}

static void finish_finding(struct ka_finding *f, const char *nodebug)
{
	if (!f->n_sites)
		return;
	qsort(f->sites, f->n_sites, sizeof(*f->sites), cmp_site);
	const char *file;
	unsigned line;
	outer_location(&f->sites[0], &file, &line);
	if (file) {
		free(f->file);
		f->file = xstrdup(file);
		f->line = line;
	}
	if (nodebug && !f->note)
		f->note = xstrdup(nodebug);
}

static int explain_module(struct ka_run *run, const struct ka_module *m)
{
	struct modwork w = { .run = run, .m = m };
	struct ka_elf e;
	struct ka_refs refs = { 0 };
	struct ka_symindex ix = { 0 };
	struct ka_dbg *dbg = NULL;
	char *why = NULL, *nodebug = NULL;
	int err;

	for (size_t i = 0; i < run->findings.n; i++) {
		struct ka_finding *f = &run->findings.v[i];
		if (f->attribute && finding_of(f, m) && !f->n_sites &&
		    !hashmap_get(&w.want, f->symbol))
			hashmap_put(&w.want, f->symbol,
				    (void *)(uintptr_t)(i + 1));
	}
	if (!w.want.n)
		return 0;

	err = ka_elf_open(m->path, &e, &why);
	if (err < 0) {
		ka_diag_add(&run->diags, false, m->path, 0, "%s", why);
		free(why);
		hashmap_free(&w.want);
		return err;
	}
	err = ka_refs_collect(&e, want_symbol, &w, &refs, &run->diags);
	if (err > 0 && ka_symindex_build(&e, &ix) < 0)
		ka_diag_add(&run->diags, false, m->path, 0,
			    "cannot read the symbol table: %s", elf_errmsg(-1));
	if (err > 0) {
		struct ka_dbg_opts o = {
			.debuginfo_dir = run->debuginfo_dir,
			.debuginfod = run->debuginfod,
		};
		dbg = ka_dbg_open(&e, &o, &why);
		if (!dbg)
			nodebug = why;
	}
	for (size_t i = 0; i < refs.n; i++)
		add_site(&w, &e, &ix, dbg, &refs.v[i]);
	hashmap_foreach(&w.want, slot)
		finish_finding(&run->findings.v[(uintptr_t)slot->value - 1],
			       nodebug);

	free(nodebug);
	ka_dbg_close(dbg);
	ka_symindex_free(&ix);
	ka_refs_free(&refs);
	ka_elf_close(&e);
	hashmap_free(&w.want);
	return err < 0 ? err : 0;
}

int ka_sites_attribute(struct ka_run *run)
{
	int ret = 0;
	for (size_t i = 0; i < run->n_modules; i++) {
		int err = explain_module(run, run->modules[i]);
		if (err < 0 && !ret)
			ret = err;
	}
	return ret;
}
