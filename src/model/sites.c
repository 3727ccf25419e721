/*
 * Attaching sites (function, line, inline chain) to the gpl-only-use and
 * gpl-only-import findings of a check run: one module at a time in each
 * of run->threads worker processes (procpool.h says why not threads),
 * each module's references attributed in one batch by the DWARF layer.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/blob.h"
#include "ksymaudit/dwarf.h"
#include "ksymaudit/procpool.h"
#include "ksymaudit/refs.h"
#include "ksymaudit/sites.h"

/* Findings of one module to explain: symbol -> finding index + 1. */
struct modwork {
	struct ka_run *run;
	const struct ka_module *m;
	struct hashmap want;
	struct ka_diags diags; /* merged into run->diags in module order */
	int err;
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

/* Moves what the DWARF layer found into the finding's site. */
static void take_site(struct ka_site *s, struct ka_gsite *gs)
{
	struct ka_site *g = &gs->site;
	if (g->function) {
		free(s->function);
		s->function = g->function;
		g->function = NULL;
	}
	s->file = g->file;
	g->file = NULL;
	s->line = g->line;
	s->chain = g->chain;
	s->n_chain = g->n_chain;
	g->chain = NULL;
	g->n_chain = 0;
	s->has_debuginfo = g->has_debuginfo;
}

static void add_site(struct modwork *w, struct ka_elf *e,
		     const struct ka_symindex *ix, bool dwarf,
		     const struct ka_ref *r, struct ka_gsite *gs)
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
	if (gs)
		take_site(s, gs);
	else if (dwarf)
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

/* Indexes of a module's findings to attribute, in findings order. */
struct idxvec {
	size_t *v;
	size_t n, cap;
};

/*
 * The findings of m to attribute (serially, in module order, so that a
 * finding goes to one module whatever the thread count). by_name: module
 * name -> struct idxvec of the findings that name it.
 */
static void claim_findings(struct modwork *w, const struct hashmap *by_name,
			   bool *claimed)
{
	struct ka_run *run = w->run;
	const struct idxvec *iv = hashmap_get(by_name, w->m->name);
	for (size_t k = 0; iv && k < iv->n; k++) {
		size_t i = iv->v[k];
		struct ka_finding *f = &run->findings.v[i];
		if (!claimed[i] && finding_of(f, w->m) && !f->n_sites &&
		    !hashmap_get(&w->want, f->symbol)) {
			hashmap_put(&w->want, f->symbol,
				    (void *)(uintptr_t)(i + 1));
			claimed[i] = true;
		}
	}
}

/* Touches only w's findings and w->diags (what a worker sends back). */
static int explain_module(struct modwork *w)
{
	struct ka_run *run = w->run;
	const struct ka_module *m = w->m;
	struct ka_elf e;
	struct ka_refs refs = { 0 };
	struct ka_symindex ix = { 0 };
	struct ka_dwarf *dw = NULL;
	struct ka_gsite *sites = NULL;
	size_t *site_of = NULL, n_sites = 0;
	char *why = NULL, *nodebug = NULL;
	int err;

	if (!w->want.n)
		return 0;
	err = ka_elf_open(m->path, &e, &why);
	if (err < 0) {
		ka_diag_add(&w->diags, false, m->path, 0, "%s", why);
		free(why);
		return err;
	}
	err = ka_refs_collect(&e, want_symbol, w, &refs, &w->diags);
	if (err > 0 && ka_symindex_build(&e, &ix) < 0)
		ka_diag_add(&w->diags, false, m->path, 0,
			    "cannot read the symbol table: %s", elf_errmsg(-1));
	if (err > 0) {
		struct ka_dbg_opts o = {
			.debug_dir = run->debuginfo_dir,
			.debuginfod = run->debuginfod,
		};
		dw = ka_dwarf_open(&e, &o, &why);
		if (!dw)
			nodebug = why;
	}
	/* Code references, attributed in one batch. */
	site_of = xcalloc(refs.n + 1, sizeof(*site_of));
	if (dw) {
		sites = xcalloc(refs.n + 1, sizeof(*sites));
		for (size_t i = 0; i < refs.n; i++) {
			if (refs.v[i].kind == KA_REF_DATA)
				continue;
			sites[n_sites] = (struct ka_gsite){
				.scn = refs.v[i].scn,
				.offset = refs.v[i].offset,
				.cookie = i };
			site_of[i] = ++n_sites;
		}
		ka_dwarf_attribute(dw, sites, n_sites);
	}
	for (size_t i = 0; i < refs.n; i++)
		add_site(w, &e, &ix, dw != NULL, &refs.v[i],
			 site_of[i] ? &sites[site_of[i] - 1] : NULL);
	hashmap_foreach(&w->want, slot)
		finish_finding(&run->findings.v[(uintptr_t)slot->value - 1],
			       nodebug);

	ka_gsites_free(sites, n_sites);
	free(site_of);
	free(nodebug);
	ka_dwarf_close(dw);
	ka_symindex_free(&ix);
	ka_refs_free(&refs);
	ka_elf_close(&e);
	return err < 0 ? err : 0;
}

struct pool {
	struct modwork *w;
	size_t n;
	struct ka_jobq q; /* large modules are not attributed at once */
};

/*
 * What attributing module i changed, sent back from a worker: its result,
 * its problems, and for each of its findings the place and note
 * finish_finding() set and the sites.
 */
static void pool_run(size_t i, struct ka_wbuf *out, void *arg)
{
	struct pool *p = arg;
	struct modwork *w = &p->w[i];
	int err = explain_module(w);
	ka_wbuf_u32(out, (uint32_t)-err);
	ka_wbuf_u32(out, (uint32_t)w->diags.n);
	for (size_t k = 0; k < w->diags.n; k++) {
		const struct ka_diag *d = &w->diags.v[k];
		ka_wbuf_u8(out, d->fatal);
		ka_wbuf_str(out, d->file);
		ka_wbuf_u32(out, d->line);
		ka_wbuf_str(out, d->message);
	}
	ka_wbuf_u32(out, (uint32_t)w->want.n);
	hashmap_foreach(&w->want, slot) {
		size_t idx = (uintptr_t)slot->value - 1;
		const struct ka_finding *f = &w->run->findings.v[idx];
		ka_wbuf_u64(out, idx);
		ka_wbuf_str(out, f->file);
		ka_wbuf_u32(out, f->line);
		ka_wbuf_str(out, f->note);
		ka_wbuf_u32(out, (uint32_t)f->n_sites);
		for (size_t k = 0; k < f->n_sites; k++)
			ka_site_put(out, &f->sites[k]);
	}
}

/* Reads what pool_run sent into w's findings; false when it is unreadable. */
static bool take_result(struct modwork *w, struct ka_rbuf *b)
{
	w->err = -(int)(ka_rbuf_u32(b) & 0xffff); /* an errno */
	uint32_t n = ka_rbuf_count(b, 13);
	for (uint32_t k = 0; k < n && !b->bad; k++) {
		bool fatal = ka_rbuf_u8(b);
		char *file = ka_rbuf_str(b);
		unsigned line = ka_rbuf_u32(b);
		char *msg = ka_rbuf_str(b);
		if (!b->bad && msg)
			ka_diag_add(&w->diags, fatal, file, line, "%s", msg);
		free(file);
		free(msg);
	}
	n = ka_rbuf_count(b, 20);
	for (uint32_t k = 0; k < n && !b->bad; k++) {
		uint64_t idx = ka_rbuf_u64(b);
		struct ka_finding *f = idx < w->run->findings.n
					       ? &w->run->findings.v[idx]
					       : NULL;
		/* Only findings this module claimed, and only once. */
		if (!f || f->n_sites || !f->symbol ||
		    (uintptr_t)hashmap_get(&w->want, f->symbol) != idx + 1) {
			b->bad = true;
			break;
		}
		char *file = ka_rbuf_str(b);
		unsigned line = ka_rbuf_u32(b);
		char *note = ka_rbuf_str(b);
		if (file) {
			free(f->file);
			f->file = file;
			f->line = line;
		}
		if (note) {
			free(f->note);
			f->note = note;
		}
		uint32_t ns = ka_rbuf_count(b, 30);
		for (uint32_t j = 0; j < ns && !b->bad; j++)
			ka_site_get(b, ka_finding_add_site(f));
	}
	return !b->bad && b->off == b->n;
}

static void pool_done(size_t i, const void *buf, size_t len,
		      const char *failure, void *arg)
{
	struct pool *p = arg;
	struct modwork *w = &p->w[i];
	struct ka_rbuf b = { .p = buf, .n = len };
	if (failure) {
		ka_diag_add(&w->diags, true, w->m->path, 0,
			    "the worker process attributing its sites %s",
			    failure);
		w->err = -EIO;
	} else if (!take_result(w, &b)) {
		ka_diag_add(&w->diags, true, w->m->path, 0,
			    "sites from the worker process unreadable");
		w->err = -EIO;
	}
}

static const struct ka_procpool_ops pool_ops = {
	.run = pool_run,
	.done = pool_done,
};

int ka_sites_attribute(struct ka_run *run)
{
	struct pool p = { .n = run->n_modules };
	bool *claimed = xcalloc(run->findings.n + 1, sizeof(*claimed));
	int ret = 0;

	struct hashmap by_name = { 0 };
	for (size_t i = 0; i < run->findings.n; i++) {
		const struct ka_finding *f = &run->findings.v[i];
		if (!f->attribute || !f->module || !f->symbol)
			continue;
		struct idxvec *iv = hashmap_get(&by_name, f->module);
		if (!iv) {
			iv = xcalloc(1, sizeof(*iv));
			hashmap_put(&by_name, f->module, iv);
		}
		ARRAY_GROW(iv->v, iv->n, iv->cap);
		iv->v[iv->n++] = i;
	}
	p.w = xcalloc(p.n + 1, sizeof(*p.w));
	for (size_t i = 0; i < p.n; i++) {
		p.w[i] = (struct modwork){ .run = run, .m = run->modules[i] };
		claim_findings(&p.w[i], &by_name, claimed);
	}
	hashmap_foreach(&by_name, slot) {
		struct idxvec *iv = slot->value;
		free(iv->v);
		free(iv);
	}
	hashmap_free(&by_name);
	free(claimed);

	uint64_t *weight = xcalloc(p.n + 1, sizeof(*weight)), budget = KA_JOBQ_BUDGET;
	for (size_t i = 0; i < p.n; i++) {
		weight[i] = ka_file_weight(run->modules[i]->path);
	}
	ka_jobq_init(&p.q, weight, p.n, budget);
	free(weight);
	unsigned workers = ka_workers(run->threads, p.n);
	if (workers > 1)
		ka_procpool_run(workers, &p.q, &pool_ops, &p);
	/* All of them, or what no worker could take. */
	size_t j;
	while ((j = ka_jobq_take(&p.q)) != SIZE_MAX) {
		p.w[j].err = explain_module(&p.w[j]);
		ka_jobq_done(&p.q, j);
	}
	ka_jobq_free(&p.q);

	for (size_t i = 0; i < p.n; i++) {
		struct modwork *w = &p.w[i];
		for (size_t k = 0; k < w->diags.n; k++) {
			struct ka_diag *d = &w->diags.v[k];
			ka_diag_add(&run->diags, d->fatal, d->file, d->line,
				    "%s", d->message);
		}
		ka_diags_free(&w->diags);
		hashmap_free(&w->want);
		if (w->err < 0 && !ret)
			ret = w->err;
	}
	free(p.w);
	return ret;
}
