/*
 * export-wrapper: a non-GPL export whose code reaches a GPL-only export,
 * directly or through functions that are not exported, within a bounded
 * depth. The walk stops at every other export: a plain export is its own
 * finding, a GPL-only one is what we look for.
 */
#include <stdlib.h>

#include "ksymaudit/graph.h"

struct bfs {
	uint32_t *stamp;   /* per node: the walk that last saw it */
	uint32_t *via;     /* per node: edge it was reached by */
	uint32_t *depth;
	uint32_t *queue;
	uint32_t gen;
};

static bool plain_export_func(const struct ka_gnode *n)
{
	return n->func && n->export && !ka_graph_export_gpl(n->export);
}

static void path_to(const struct ka_graph *g, const struct bfs *b,
		    uint32_t start, uint32_t last_edge, struct ka_wrapper *w)
{
	size_t n = 1;
	for (uint32_t e = last_edge; g->edges[e].from != start;
	     e = b->via[g->edges[e].from])
		n++;
	w->edges = xcalloc(n, sizeof(*w->edges));
	w->n_edges = n;
	uint32_t e = last_edge;
	for (size_t i = n; i-- > 0;) {
		w->edges[i] = e;
		if (i)
			e = b->via[g->edges[e].from];
	}
}

static bool walk_one(struct ka_graph *g, struct bfs *b, uint32_t start,
		     unsigned max_depth, struct ka_wrapper *w)
{
	size_t head = 0, tail = 0;
	uint32_t best = UINT32_MAX;
	b->gen++;
	b->stamp[start] = b->gen;
	b->depth[start] = 0;
	b->queue[tail++] = start;
	while (head < tail) {
		uint32_t u = b->queue[head++];
		ka_graph_augment(g, u);
		ka_gnode_foreach_edge(g, u, ei) {
			const struct ka_gedge *e = &g->edges[ei];
			if (ka_graph_export_gpl(e->export)) {
				if (!strvec_contains(&w->reached, e->name))
					strvec_push(&w->reached, e->name);
				if (best == UINT32_MAX)
					best = ei; /* BFS: the first is shortest */
				continue;
			}
			if (e->export || e->to == KA_GNODE_NONE)
				continue; /* another export: the walk stops */
			const struct ka_gnode *t = &g->nodes[e->to];
			if (!t->func || b->stamp[e->to] == b->gen ||
			    b->depth[u] + 1 >= max_depth)
				continue;
			b->stamp[e->to] = b->gen;
			b->depth[e->to] = b->depth[u] + 1;
			b->via[e->to] = ei;
			b->queue[tail++] = e->to;
		}
	}
	if (best == UINT32_MAX)
		return false;
	path_to(g, b, start, best, w);
	strvec_sort_unique(&w->reached);
	return true;
}

size_t ka_export_wrappers_find(struct ka_graph *g, unsigned max_depth,
			       struct ka_wrapper **out)
{
	struct bfs b = { 0 };
	size_t n = 0, cap = 0;
	*out = NULL;
	if (!g->n_nodes)
		return 0;
	if (!max_depth)
		max_depth = 1;
	b.stamp = xcalloc(g->n_nodes, sizeof(*b.stamp));
	b.via = xcalloc(g->n_nodes, sizeof(*b.via));
	b.depth = xcalloc(g->n_nodes, sizeof(*b.depth));
	b.queue = xcalloc(g->n_nodes, sizeof(*b.queue));
	for (uint32_t i = 0; i < g->n_nodes; i++) {
		if (!plain_export_func(&g->nodes[i]))
			continue;
		struct ka_wrapper w = { .node = i };
		if (!walk_one(g, &b, i, max_depth, &w)) {
			strvec_free(&w.reached);
			continue;
		}
		ARRAY_GROW(*out, n, cap);
		(*out)[n++] = w;
	}
	free(b.stamp);
	free(b.via);
	free(b.depth);
	free(b.queue);
	return n;
}

void ka_wrappers_free(struct ka_wrapper *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].edges);
		strvec_free(&w[i].reached);
	}
	free(w);
}

static const char *step_kind(enum ka_ref_kind k)
{
	return k == KA_REF_CALL ? "call" : k == KA_REF_DATA ? "data"
							   : ka_ref_kind_name(k);
}

struct ka_finding *ka_export_wrapper_report(
	const struct ka_graph *g, const char *path, const struct ka_wrapper *w,
	const struct ka_gsite *(*site_of)(size_t edge, void *arg), void *arg,
	struct ka_findings *out)
{
	const struct ka_gnode *x = &g->nodes[w->node];
	const struct ka_gedge *last = &g->edges[w->edges[w->n_edges - 1]];
	char *chain = xstrdup(x->name);
	for (size_t i = 0; i < w->n_edges; i++) {
		const struct ka_gedge *e = &g->edges[w->edges[i]];
		char *s = xasprintf("%s -> %s (%s)", chain, e->name,
				    step_kind(e->kind));
		free(chain);
		chain = s;
	}
	struct ka_finding *f = ka_finding_add(
		out, "export-wrapper", KA_SEV_WARNING, g->owner, path, x->name,
		"%s '%s' reaches GPL-only '%s' %s: %s", 
		ka_export_type_name(x->export->type), x->name, last->name,
		w->n_edges == 1 ? "directly" : "through unexported code", chain);
	free(chain);
	for (size_t i = 0; i < w->n_edges; i++) {
		const struct ka_gedge *e = &g->edges[w->edges[i]];
		ka_finding_add_step(f, e->name, e->kind);
		const struct ka_gsite *gs = site_of ? site_of(w->edges[i], arg)
						    : NULL;
		struct ka_site *s = ka_finding_add_site(f);
		s->kind = e->kind;
		s->offset = e->offset;
		s->section = xstrdup(ka_elf_section_name(
			g->elf, elf_getscn(g->elf->elf, e->scn)) ?: "?");
		if (gs && gs->site.function) {
			s->function = xstrdup(gs->site.function);
			s->file = gs->site.file ? xstrdup(gs->site.file) : NULL;
			s->line = gs->site.line;
			s->has_debuginfo = true;
			for (size_t k = 0; k < gs->site.n_chain; k++) {
				const struct ka_inline_frame *c = &gs->site.chain[k];
				ka_inline_chain_push(s, c->function, c->decl_file,
						     c->decl_line, c->call_file,
						     c->call_line);
			}
		} else {
			s->function = xstrdup(e->from == KA_GNODE_NONE
						      ? "?"
						      : g->nodes[e->from].name);
		}
		if (i == 0 && s->file) {
			/* The export's own reference, in the kernel sources. */
			const char *file = s->n_chain
				? s->chain[s->n_chain - 1].call_file : s->file;
			unsigned line = s->n_chain
				? s->chain[s->n_chain - 1].call_line : s->line;
			if (file) {
				free(f->file);
				f->file = xstrdup(file);
				f->line = line;
			}
		}
	}
	if (w->reached.n > 1) {
		size_t len = 0;
		for (size_t i = 0; i < w->reached.n; i++)
			len += strlen(w->reached.v[i]) + 2;
		char *list = xcalloc(len + 1, 1);
		for (size_t i = 0; i < w->reached.n; i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, w->reached.v[i]);
		}
		f->note = xasprintf("reaches %zu GPL-only exports in all: %s",
				    w->reached.n, list);
		free(list);
	}
	return f;
}

struct rank_ent {
	size_t idx;
	size_t n_path;
	uint64_t size;
	const char *symbol;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank_ent *x = a, *y = b;
	if (x->n_path != y->n_path)
		return x->n_path < y->n_path ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->symbol, y->symbol);
}

/*
 * Thinnest first: the fewest steps to a GPL-only export, then the least
 * code in the export itself (st_size), then by name.
 */
void ka_export_wrappers_rank(struct ka_findings *f, const uint64_t *sizes)
{
	struct rank_ent *r = xcalloc(f->n ? f->n : 1, sizeof(*r));
	for (size_t i = 0; i < f->n; i++)
		r[i] = (struct rank_ent){ i, f->v[i].n_path, sizes[i],
					  f->v[i].symbol ? f->v[i].symbol : "" };
	qsort(r, f->n, sizeof(*r), cmp_rank);
	for (size_t i = 0; i < f->n; i++)
		f->v[r[i].idx].rank = (unsigned)(i + 1);
	free(r);
}
