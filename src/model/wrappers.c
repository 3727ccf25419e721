/*
 * The walk behind export-wrapper: from each non-GPL export through
 * functions that are not exported, within a bounded depth, to the GPL-only
 * exports it reaches. The walk stops at every other export: a plain export
 * is its own wrapper, a GPL-only one is what we look for.
 */
#include <stdlib.h>
#include <string.h>

#include "graph.h"

struct bfs {
	uint32_t *stamp;   /* per node: the walk that last saw it */
	uint32_t *via;     /* per node: edge it was reached by */
	uint32_t *depth;
	uint32_t *rank;    /* per node: its place in its level (see walk_one) */
	uint32_t *level;   /* the level being walked, in rank order */
	uint32_t *next;    /* the level being found */
	uint32_t gen;
	const struct ka_graph *g; /* for cmp_next */
};

static bool plain_export_func(const struct ka_gnode *n)
{
	return n->func && n->export && !ka_graph_export_gpl(n->export);
}

static uint32_t *path_to(const struct ka_graph *g, const struct bfs *b,
			 uint32_t start, uint32_t last_edge, size_t *out_n)
{
	size_t n = 1;
	for (uint32_t e = last_edge; g->edges[e].from != start;
	     e = b->via[g->edges[e].from])
		n++;
	uint32_t *edges = xcalloc(n, sizeof(*edges));
	*out_n = n;
	uint32_t e = last_edge;
	for (size_t i = n; i-- > 0;) {
		edges[i] = e;
		if (i)
			e = b->via[g->edges[e].from];
	}
	return edges;
}

static int cmp_target(const void *a, const void *b)
{
	const struct ka_wrapper_path *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* Orders a found level: parent's rank, then name, then node index. */
static int cmp_next(const void *a, const void *b, void *arg)
{
	const struct bfs *w = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t px = w->rank[w->g->edges[w->via[x]].from];
	uint32_t py = w->rank[w->g->edges[w->via[y]].from];
	if (px != py)
		return px < py ? -1 : 1;
	const char *nx = w->g->nodes[x].name, *ny = w->g->nodes[y].name;
	int c = strcmp(nx ? nx : "", ny ? ny : "");
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * Breadth first from start, a level at a time, each level in rank order
 * (cmp_next): the first parent that reaches a node or a GPL-only target
 * is the one with the least path, so the path kept to each is the least
 * of its shortest paths compared name by name, whatever the layout of the
 * code (the order of nodes and of references in the image). Of two
 * references from one function to the same symbol the first is kept.
 */
static bool walk_one(struct ka_graph *g, struct bfs *b, uint32_t start,
		     unsigned max_depth, struct ka_wrapper *w)
{
	size_t n_level = 0, n_next = 0, cap = 0;
	uint32_t *firsts = NULL; /* least shortest edge to each target */
	size_t n_firsts = 0;
	b->gen++;
	b->stamp[start] = b->gen;
	b->depth[start] = 0;
	b->rank[start] = 0;
	b->level[n_level++] = start;
	while (n_level) {
		n_next = 0;
		for (size_t li = 0; li < n_level; li++) {
			uint32_t u = b->level[li];
			ka_graph_augment(g, u);
			const struct ka_gnode *un = &g->nodes[u];
			ka_gnode_foreach_edge(g, u, ei) {
				const struct ka_gedge *e = &g->edges[ei];
				/* Code past the end of a sized symbol (assembly
				 * without symbols of its own) is not its code. */
				if (un->size && e->scn == un->scn &&
				    (e->offset < un->offset ||
				     e->offset >= un->offset + un->size))
					continue;
				if (ka_graph_export_gpl(e->export)) {
					if (!strvec_contains(&w->reached, e->name)) {
						strvec_push(&w->reached, e->name);
						ARRAY_GROW(firsts, n_firsts, cap);
						firsts[n_firsts++] = ei;
					}
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
				b->next[n_next++] = e->to;
			}
		}
		b->g = g;
		qsort_r(b->next, n_next, sizeof(*b->next), cmp_next, b);
		for (size_t i = 0; i < n_next; i++)
			b->rank[b->next[i]] = (uint32_t)i;
		uint32_t *tmp = b->level;
		b->level = b->next;
		b->next = tmp;
		n_level = n_next;
	}
	if (!n_firsts) {
		free(firsts);
		return false;
	}
	w->targets = xcalloc(n_firsts, sizeof(*w->targets));
	for (size_t i = 0; i < n_firsts; i++) {
		struct ka_wrapper_path *t = &w->targets[w->n_targets++];
		t->name = g->edges[firsts[i]].name;
		t->edges = path_to(g, b, start, firsts[i], &t->n_edges);
	}
	qsort(w->targets, w->n_targets, sizeof(*w->targets), cmp_target);
	/* The path shown: the nearest target, of those the first by name. */
	const struct ka_wrapper_path *best = &w->targets[0];
	for (size_t i = 1; i < w->n_targets; i++)
		if (w->targets[i].n_edges < best->n_edges)
			best = &w->targets[i];
	w->n_edges = best->n_edges;
	w->edges = xcalloc(best->n_edges, sizeof(*w->edges));
	memcpy(w->edges, best->edges, best->n_edges * sizeof(*w->edges));
	free(firsts);
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
	b.rank = xcalloc(g->n_nodes, sizeof(*b.rank));
	b.level = xcalloc(g->n_nodes, sizeof(*b.level));
	b.next = xcalloc(g->n_nodes, sizeof(*b.next));
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
	free(b.rank);
	free(b.level);
	free(b.next);
	return n;
}

void ka_wrappers_free(struct ka_wrapper *w, size_t n)
{
	if (!w)
		return;
	for (size_t i = 0; i < n; i++) {
		free(w[i].edges);
		strvec_free(&w[i].reached);
		for (size_t k = 0; k < w[i].n_targets; k++)
			free(w[i].targets[k].edges);
		free(w[i].targets);
	}
	free(w);
}

