/*
 * Reach facts for export-door: which unexported functions of one file the
 * exports reach through unexported code (the walk export-wrapper does,
 * bounded by the same depth and stopping at other exports), and whether a
 * GPL-only or a non-GPL export reaches each. diff compares them between two
 * kernels: code that only GPL-only exports reached in OLD and a non-GPL
 * export reaches in NEW is a new door.
 */
#include <stdlib.h>

#include "graph.h"

/*
 * A compiler clone (foo.part.0, foo.isra.0, foo.constprop.0) is keyed by
 * the function it was made from: which clones exist differs from build to
 * build. Cold parts (foo.cold) are pieces of foo, not functions of their
 * own: the walk does not record them.
 */
static bool cold_part(const char *name)
{
	const char *d = strstr(name, ".cold");
	return d && (d[5] == '\0' || d[5] == '.');
}

/* foo.part.0, foo.isra.0, foo.constprop.0: a piece of foo, not a step. */
static bool clone_part(const char *name)
{
	return strstr(name, ".part.") || strstr(name, ".isra.") ||
	       strstr(name, ".constprop.") || cold_part(name);
}

static char *base_name(const char *name)
{
	return xstrndup(name, strcspn(name, "."));
}

/* b is a compiler clone of a (or of the function a is a clone of). */
static bool same_function(const char *a, const char *b)
{
	size_t n = strcspn(a, ".");
	return clone_part(b) && strncmp(a, b, n) == 0 && b[n] == '.';
}

struct node_reach {
	uint32_t gpl_export;  /* node of a GPL-only export, or NONE */
	uint32_t plain_depth; /* 0: no non-GPL export reaches it */
	struct strvec plain_path;
};

struct walk {
	uint32_t *stamp, *via, *depth, *queue;
	uint32_t gen;
};

/* a before b: fewer steps, then name by name (never the layout). */
static int cmp_path(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = 0; i < a->n; i++) {
		int c = strcmp(a->v[i], b->v[i]);
		if (c)
			return c;
	}
	return 0;
}

static void record_plain(const struct ka_graph *g, const struct walk *w,
			 uint32_t start, uint32_t n, struct node_reach *r)
{
	uint32_t d = w->depth[n];
	if (r->plain_depth && r->plain_depth < d)
		return;
	struct strvec old = r->plain_path;
	bool tie = old.n && r->plain_depth == d;
	r->plain_path = (struct strvec){ 0 };
	r->plain_depth = d;
	/* Walk back along via[] to the export, then reverse; clones merge
	 * into the function they were split from (one name a step). */
	struct strvec back = { 0 };
	for (uint32_t k = n;; k = g->edges[w->via[k]].from) {
		char *b = base_name(g->nodes[k].name ? g->nodes[k].name : "?");
		if (back.n && !strcmp(back.v[back.n - 1], b))
			free(b);
		else
			strvec_push_owned(&back, b);
		if (k == start)
			break;
	}
	for (size_t i = back.n; i-- > 0;) {
		strvec_push_owned(&r->plain_path, back.v[i]);
		back.v[i] = NULL;
	}
	back.n = 0;
	strvec_free(&back);
	/* Of two exports as near, the path first by name. */
	if (tie && cmp_path(&old, &r->plain_path) <= 0) {
		strvec_free(&r->plain_path);
		r->plain_path = old;
	} else {
		strvec_free(&old);
	}
}

static void walk_from(struct ka_graph *g, struct walk *w, uint32_t start,
		      unsigned max_depth, struct node_reach *reach)
{
	bool gpl = ka_graph_export_gpl(g->nodes[start].export);
	/*
	 * Non-GPL exports are followed KA_REACH_SLACK steps further: a door
	 * is code NEW reaches within max_depth that OLD reached from no
	 * non-GPL export at all, and the compiler inlines differently from
	 * release to release (a chain of the same source is one step shorter
	 * when a middle function is inlined). export-door compares NEW's
	 * depth with max_depth and takes any of OLD's as reached.
	 */
	unsigned limit = gpl ? max_depth : max_depth + KA_REACH_SLACK;
	size_t head = 0, tail = 0;
	w->gen++;
	w->stamp[start] = w->gen;
	w->depth[start] = 0;
	w->queue[tail++] = start;
	while (head < tail) {
		uint32_t u = w->queue[head++];
		if (w->depth[u] >= limit)
			continue;
		ka_graph_augment(g, u);
		ka_gnode_foreach_edge(g, u, ei) {
			const struct ka_gedge *e = &g->edges[ei];
			if (e->export || e->to == KA_GNODE_NONE)
				continue; /* an export: its own walk */
			uint32_t t = e->to;
			const struct ka_gnode *tn = &g->nodes[t];
			if (!tn->func || tn->export || w->stamp[t] == w->gen)
				continue;
			w->stamp[t] = w->gen;
			/* A clone split off the caller (foo -> foo.part.0) is
			 * a piece of it, not a step. */
			w->depth[t] = w->depth[u] +
				      !same_function(g->nodes[u].name, tn->name);
			w->via[t] = ei;
			w->queue[tail++] = t;
			if (gpl) {
				if (reach[t].gpl_export == KA_GNODE_NONE ||
				    strcmp(g->nodes[start].name,
					   g->nodes[reach[t].gpl_export].name) < 0)
					reach[t].gpl_export = start;
			} else {
				record_plain(g, w, start, t, &reach[t]);
			}
		}
	}
}

size_t ka_reach_collect(struct ka_graph *g, const char *owner,
			unsigned max_depth, struct ka_reach_fact **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	if (!g->n_nodes)
		return 0;
	if (!max_depth)
		max_depth = 1;
	struct walk w = { 0 };
	w.stamp = xcalloc(g->n_nodes, sizeof(*w.stamp));
	w.via = xcalloc(g->n_nodes, sizeof(*w.via));
	w.depth = xcalloc(g->n_nodes, sizeof(*w.depth));
	w.queue = xcalloc(g->n_nodes, sizeof(*w.queue));
	struct node_reach *reach = xcalloc(g->n_nodes, sizeof(*reach));
	for (uint32_t i = 0; i < g->n_nodes; i++)
		reach[i].gpl_export = KA_GNODE_NONE;
	for (uint32_t i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].func && g->nodes[i].export)
			walk_from(g, &w, i, max_depth, reach);
	for (uint32_t i = 0; i < g->n_nodes; i++) {
		struct node_reach *r = &reach[i];
		if ((r->gpl_export == KA_GNODE_NONE && !r->plain_depth) ||
		    !g->nodes[i].name || cold_part(g->nodes[i].name)) {
			strvec_free(&r->plain_path);
			continue;
		}
		ARRAY_GROW(*out, n, cap);
		(*out)[n++] = (struct ka_reach_fact){
			.owner = xstrdup(owner),
			.function = base_name(g->nodes[i].name),
			.gpl_export = r->gpl_export == KA_GNODE_NONE
				? NULL : xstrdup(g->nodes[r->gpl_export].name),
			.plain_path = r->plain_path,
		};
	}
	free(reach);
	free(w.stamp);
	free(w.via);
	free(w.depth);
	free(w.queue);
	return n;
}

/* Same owner and name (static functions of different files of vmlinux):
 * one fact, reached if either was. Sorted by owner and function. */
void ka_reach_merge(struct ka_reach_fact *v, size_t *n)
{
	struct ka_kfacts tmp = { .reach = v, .n_reach = *n };
	ka_kfacts_sort(&tmp);
	size_t o = 0;
	for (size_t i = 0; i < *n; i++) {
		struct ka_reach_fact *x = &v[i];
		if (o && !strcmp(v[o - 1].owner, x->owner) &&
		    !strcmp(v[o - 1].function, x->function)) {
			struct ka_reach_fact *y = &v[o - 1];
			if (x->gpl_export && (!y->gpl_export ||
			    strcmp(x->gpl_export, y->gpl_export) < 0)) {
				free(y->gpl_export);
				y->gpl_export = x->gpl_export;
				x->gpl_export = NULL;
			}
			if (x->plain_path.n && (!y->plain_path.n ||
			    cmp_path(&x->plain_path, &y->plain_path) < 0)) {
				strvec_free(&y->plain_path);
				y->plain_path = x->plain_path;
				x->plain_path = (struct strvec){ 0 };
			}
			free(x->owner);
			free(x->function);
			free(x->gpl_export);
			strvec_free(&x->plain_path);
			continue;
		}
		v[o++] = *x;
	}
	*n = o;
}
