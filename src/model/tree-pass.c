/*
 * The whole-kernel pass: vmlinux and every module, one file at a time on a
 * few threads. Each file's graph and DWARF are dropped before the thread
 * takes the next; only findings and the header-inline summary remain.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "graph.h"
#include "ksymaudit/cache.h"

struct job {
	const char *path;
	bool is_vmlinux;
	size_t order;             /* vmlinux, then the modules as given */
	uint64_t size;            /* its weight in the queue */
	struct ka_diags diags;    /* its input problems */
};

struct shared {
	struct ka_run *run;
	const struct ka_tree_opts *o;
	struct ka_tree_result *res;
	struct job *jobs;
	size_t n_jobs;
	struct ka_jobq q;
};

/* One inline instance seen in this file carrying a symbol: a use, the
 * symbol's index in it and the instance's DIE offset. */
struct inst {
	struct ka_inline_use *use;
	size_t sym;
	uint64_t off;
	bool by_param; /* a formal parameter of the instance names it */
};

struct filectx {
	struct shared *sh;
	const char *path;
	const char *owner;
	struct ka_tree_result *out; /* this file's facts */
	struct ka_graph g;
	struct ka_gsite *sites;
	size_t n_sites;
	uint32_t *site_of_edge; /* edge -> site index + 1 (0: none) */
	uint32_t *by_param; /* per site: bit k, a formal parameter of chain
			       frame k names the target (param_evidence) */
	struct ka_diags *diags;
};

/* References whose sites are attributed: to GPL-only exports for the
 * checks, to the symbol explain asks about. */
static bool wanted_target(const struct filectx *c, const struct ka_gedge *e)
{
	const char *x = c->sh->o->explain;
	if (x && strcmp(e->name, x) == 0)
		return true;
	return c->sh->o->checks && ka_graph_export_gpl(e->export);
}

static void want_site(struct filectx *c, size_t edge, size_t *cap)
{
	if (c->site_of_edge[edge])
		return;
	ARRAY_GROW(c->sites, c->n_sites, *cap);
	const struct ka_gedge *e = &c->g.edges[edge];
	c->sites[c->n_sites] = (struct ka_gsite){
		.scn = e->scn, .offset = e->offset, .cookie = edge };
	c->site_of_edge[edge] = (uint32_t)++c->n_sites;
}

static const struct ka_gsite *site_of(size_t edge, void *arg)
{
	struct filectx *c = arg;
	uint32_t i = c->site_of_edge[edge];
	return i ? &c->sites[i - 1] : NULL;
}

/* The summary entry of one header inline in res (a file's, or the build's
 * under the lock). */
static struct ka_inline_use *use_get(struct ka_tree_result *res,
				     const char *fn, const char *decl,
				     unsigned line)
{
	char *key = xasprintf("%s\t%s:%u", fn, decl, line);
	struct ka_inline_use *u = hashmap_get(&res->inlines, key);
	if (u) {
		free(key);
		return u;
	}
	u = xcalloc(1, sizeof(*u));
	u->function = xstrdup(fn);
	u->decl_file = xstrdup(decl);
	u->decl_line = line;
	ARRAY_GROW(res->uses, res->n_uses, res->cap_uses);
	res->uses[res->n_uses++] = u;
	hashmap_put(&res->inlines, key, u);
	return u;
}

/* The use's entry for symbol (under the lock). */
static size_t use_sym(struct ka_inline_use *u, const char *symbol)
{
	for (size_t i = 0; i < u->n_syms; i++)
		if (strcmp(u->syms[i].symbol, symbol) == 0)
			return i;
	ARRAY_GROW(u->syms, u->n_syms, u->cap_syms);
	u->syms[u->n_syms] = (struct ka_inline_sym){ .symbol = xstrdup(symbol) };
	if (!strvec_contains(&u->gpl_symbols, symbol))
		strvec_push(&u->gpl_symbols, symbol);
	return u->n_syms++;
}

static int cmp_inst(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;
	if (x->use != y->use)
		return x->use < y->use ? -1 : 1;
	if (x->sym != y->sym)
		return x->sym < y->sym ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int cmp_inst_off(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;
	if (x->use != y->use)
		return x->use < y->use ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static void add_via(struct ka_inline_use *u, size_t sym, const char *fn)
{
	if (!strvec_contains(&u->inner, fn))
		strvec_push(&u->inner, fn);
	if (!strvec_contains(&u->syms[sym].via, fn))
		strvec_push(&u->syms[sym].via, fn);
}

/*
 * The example instance: the first by (object, file, line, function), so
 * that it does not depend on which thread saw which file first.
 */
static void set_example(struct ka_inline_use *u, const char *object,
			const char *file, unsigned line, const char *function)
{
	file = file ? file : "?";
	function = function ? function : "?";
	if (u->example_file) {
		int c = strcmp(object, u->example_object);
		if (!c)
			c = strcmp(file, u->example_file);
		if (!c && line != u->example_line)
			c = line < u->example_line ? -1 : 1;
		if (!c)
			c = strcmp(function, u->example_function);
		if (c >= 0)
			return;
		free(u->example_file);
		free(u->example_object);
		free(u->example_function);
	}
	u->example_file = xstrdup(file);
	u->example_line = line;
	u->example_object = xstrdup(object);
	u->example_function = xstrdup(function);
}

/* The instance's place in a kernel function: the outermost call site. */
static void example(struct ka_inline_use *u, const struct filectx *c,
		    const struct ka_site *s)
{
	const struct ka_inline_frame *f = &s->chain[s->n_chain - 1];
	set_example(u, c->path, f->call_file, f->call_line, s->function);
}

/*
 * The target's address range in the DWARF's address space: [lo, hi).
 * An external symbol of a module has no address there; relocations of
 * the debug info against it are left unapplied, which reads as 0.
 */
static void target_range(const struct filectx *c, const struct ka_gedge *e,
			 uint64_t *lo, uint64_t *hi)
{
	*lo = *hi = 0;
	if (!c->g.dw)
		return;
	if (e->to == KA_GNODE_NONE) {
		*hi = 1;
		return;
	}
	const struct ka_gnode *n = &c->g.nodes[e->to];
	uint64_t a = ka_dwarf_addr(c->g.dw, n->scn, n->offset);
	if (a == UINT64_MAX)
		return;
	*lo = a;
	*hi = a + (n->size ? n->size : 1);
}

/* A site whose header inlines gather_inlines looks at. */
static bool inline_site(const struct filectx *c, const struct ka_gsite *gs)
{
	const struct ka_gedge *e = &c->g.edges[gs->cookie];
	const struct ka_site *s = &gs->site;
	/* Not a .cold or .part piece jumping back into its own function. */
	return s->function && wanted_target(c, e) && e->kind != KA_REF_DATA &&
	       strcmp(s->function, e->name) != 0;
}

/*
 * For each site and header-inline frame of its chain: does a formal
 * parameter of that inlined instance name the target (the caller passed
 * it in)? Reads DWARF, so it runs before the lock is taken.
 */
static void param_evidence(struct filectx *c)
{
	const struct ka_rules *rules = &c->sh->run->rules;
	c->by_param = xcalloc(c->n_sites + 1, sizeof(*c->by_param));
	for (size_t i = 0; i < c->n_sites; i++) {
		const struct ka_gsite *gs = &c->sites[i];
		if (!inline_site(c, gs))
			continue;
		const struct ka_gedge *e = &c->g.edges[gs->cookie];
		uint64_t lo, hi;
		target_range(c, e, &lo, &hi);
		for (size_t k = 0; k < gs->site.n_chain && k < 32 && lo < hi;
		     k++) {
			const struct ka_inline_frame *f = &gs->site.chain[k];
			if (!gs->frame_inline[k] || !f->decl_file ||
			    !ka_path_is_header(rules, f->decl_file))
				continue;
			if (ka_inline_param_names(c->g.dw, gs->frame_off[k], lo,
						  hi, e->kind == KA_REF_CALL))
				c->by_param[i] |= 1u << k;
		}
	}
}

/* Header inlines in the chains of GPL-only references, into the file's facts. */
static void gather_inlines(struct filectx *c)
{
	struct ka_tree_result *res = c->out;
	const struct ka_rules *rules = &c->sh->run->rules;
	struct inst *inst = NULL;
	size_t n_inst = 0, cap_inst = 0;
	for (size_t i = 0; i < c->n_sites; i++) {
		struct ka_gsite *gs = &c->sites[i];
		const struct ka_gedge *e = &c->g.edges[gs->cookie];
		struct ka_site *s = &gs->site;
		if (!inline_site(c, gs))
			continue;
		bool inner_local = false;  /* a function of a .c file inside */
		for (size_t k = 0; k < s->n_chain; k++) {
			const struct ka_inline_frame *f = &s->chain[k];
			bool header = f->decl_file &&
				      ka_path_is_header(rules, f->decl_file);
			/* A .c file's function inlined within its own CU (an
			 * export inlined into a header inline there): what it
			 * references is not the header inline's. */
			if (!header)
				inner_local = true;
			if (!gs->frame_inline[k] || !header || inner_local)
				continue;
			struct ka_inline_use *u =
				use_get(res, f->function, f->decl_file, f->decl_line);
			size_t sym = use_sym(u, e->name);
			/* Inner inlines from the outside in, as first seen. */
			for (size_t j = k; j-- > 0;)
				if (strcmp(s->chain[j].function, f->function))
					add_via(u, sym, s->chain[j].function);
			example(u, c, s);
			ARRAY_GROW(inst, n_inst, cap_inst);
			inst[n_inst++] = (struct inst){
				u, sym, gs->frame_off[k],
				k < 32 && (c->by_param[i] >> k & 1) };
		}
		/* An out-of-line copy of a header inline. */
		if (!inner_local && gs->outer_decl_file && gs->outer_inline &&
		    ka_path_is_header(rules, gs->outer_decl_file)) {
			struct ka_inline_use *u = use_get(res, s->function,
							  gs->outer_decl_file,
							  gs->outer_decl_line);
			size_t sym = use_sym(u, e->name);
			for (size_t j = s->n_chain; j-- > 0;)
				add_via(u, sym, s->chain[j].function);
			set_example(u, c->path, s->file, s->line, s->function);
			ARRAY_GROW(inst, n_inst, cap_inst);
			inst[n_inst++] = (struct inst){ u, sym, UINT64_MAX - e->from };
		}
	}
	if (n_inst)
		qsort(inst, n_inst, sizeof(*inst), cmp_inst);
	/* Per (inline, symbol): each instance once, and once more when any of
	 * its sites has the parameter evidence. */
	bool param_seen = false;
	for (size_t i = 0; i < n_inst; i++) {
		struct ka_inline_sym *y = &inst[i].use->syms[inst[i].sym];
		if (!i || cmp_inst(&inst[i - 1], &inst[i]) != 0) {
			y->instances++;
			param_seen = false;
		}
		if (inst[i].by_param && !param_seen) {
			y->by_param++;
			param_seen = true;
		}
	}
	/* Instances carrying any symbol: each instance once. */
	if (n_inst)
		qsort(inst, n_inst, sizeof(*inst), cmp_inst_off);
	for (size_t i = 0; i < n_inst; i++)
		if (!i || cmp_inst_off(&inst[i - 1], &inst[i]) != 0)
			inst[i].use->instances++;
	free(inst);
}

/* Adds a file's counts of header-inline instances to the build's. */
static void merge_counts(struct ka_tree_result *res, struct hashmap *file)
{
	hashmap_foreach(file, slot) {
		const struct ka_inline_count *n = slot->value;
		ka_inline_count_add(&res->inline_counts, n->key, n->n);
	}
	ka_inline_counts_free(file);
}

/*
 * explain: paths from non-GPL exports to the symbol, backwards through
 * unexported functions, bounded by max_depth, into the file's facts.
 */
static void explain_paths(struct filectx *c)
{
	const struct ka_graph *g = &c->g;
	const char *x = c->sh->o->explain;
	unsigned max = c->sh->run->max_depth ? c->sh->run->max_depth : 3;
	struct ka_tree_result *res = c->out;
	/* Reverse index: edges by target node. */
	uint32_t *by_to = xcalloc(g->n_edges + 1, sizeof(*by_to));
	uint32_t *start = xcalloc(g->n_nodes + 1, sizeof(*start));
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].to != KA_GNODE_NONE)
			start[g->edges[i].to + 1]++;
	for (size_t i = 0; i < g->n_nodes; i++)
		start[i + 1] += start[i];
	uint32_t *fill = xcalloc(g->n_nodes + 1, sizeof(*fill));
	for (size_t i = 0; i < g->n_edges; i++) {
		uint32_t t = g->edges[i].to;
		if (t != KA_GNODE_NONE)
			by_to[start[t] + fill[t]++] = (uint32_t)i;
	}
	/* Depth-first, all simple paths (bounded), from each edge to x. */
	struct frame {
		uint32_t edge;
	} stack[16];
	for (size_t i = 0; i < g->n_edges; i++) {
		if (strcmp(g->edges[i].name, x) != 0 ||
		    g->edges[i].from == KA_GNODE_NONE)
			continue;
		/* Iterative DFS over predecessors. */
		size_t depth = 0;
		uint32_t idx[16];
		stack[0].edge = (uint32_t)i;
		idx[0] = 0;
		depth = 1;
		while (depth) {
			uint32_t e = stack[depth - 1].edge;
			uint32_t from = g->edges[e].from;
			const struct ka_gnode *fn = &g->nodes[from];
			bool at_export = fn->export != NULL;
			if (idx[depth - 1] == 0 && at_export) {
				if (!ka_graph_export_gpl(fn->export)) {
					ARRAY_GROW(res->paths, res->n_paths,
						   res->cap_paths);
					struct ka_explain_path *p =
						&res->paths[res->n_paths++];
					p->object = xstrdup(c->path);
					p->n_steps = depth + 1;
					p->steps = xcalloc(depth + 1,
							   sizeof(*p->steps));
					p->steps[0].symbol = xstrdup(fn->name);
					p->steps[0].kind = KA_REF_CALL;
					for (size_t k = 0; k < depth; k++) {
						const struct ka_gedge *s =
							&g->edges[stack[depth - 1 - k].edge];
						p->steps[k + 1].symbol = xstrdup(s->name);
						p->steps[k + 1].kind = s->kind;
					}
				}
				depth--; /* the walk stops at exports */
				continue;
			}
			uint32_t lo = start[from], hi = start[from + 1];
			uint32_t k = lo + idx[depth - 1];
			if (k >= hi || depth >= max || depth >= 16 ||
			    !fn->func) {
				depth--;
				continue;
			}
			idx[depth - 1]++;
			uint32_t pe = by_to[k];
			uint32_t pf = g->edges[pe].from;
			bool loop = pf == KA_GNODE_NONE;
			for (size_t d = 0; d < depth && !loop; d++)
				loop = g->edges[stack[d].edge].from == pf;
			if (loop)
				continue;
			stack[depth].edge = pe;
			idx[depth] = 0;
			depth++;
		}
	}
	free(by_to);
	free(start);
	free(fill);
}

/* The wrapper as plain data that outlives the file's graph. */
static void wrapper_fact(const struct filectx *c, const struct ka_wrapper *w,
			 struct ka_wrapper_fact *f)
{
	const struct ka_graph *g = &c->g;
	const struct ka_gnode *x = &g->nodes[w->node];
	*f = (struct ka_wrapper_fact){
		.object = xstrdup(c->path),
		.owner = xstrdup(c->owner),
		.symbol = xstrdup(x->name),
		.type = x->export->type,
		.size = x->size,
		.n_steps = w->n_edges,
	};
	f->steps = xcalloc(w->n_edges, sizeof(*f->steps));
	f->sites = xcalloc(w->n_edges, sizeof(*f->sites));
	for (size_t i = 0; i < w->reached.n; i++)
		strvec_push(&f->reached, w->reached.v[i]);
	f->targets = xcalloc(w->n_targets + 1, sizeof(*f->targets));
	for (size_t i = 0; i < w->n_targets; i++) {
		const struct ka_wrapper_path *p = &w->targets[i];
		struct ka_wrapper_target *t = &f->targets[f->n_targets++];
		t->symbol = xstrdup(p->name);
		t->steps = xcalloc(p->n_edges, sizeof(*t->steps));
		t->n_steps = p->n_edges;
		for (size_t k = 0; k < p->n_edges; k++) {
			const struct ka_gedge *e = &g->edges[p->edges[k]];
			t->steps[k] = (struct ka_path_step){ xstrdup(e->name),
							     e->kind };
		}
	}
	for (size_t i = 0; i < w->n_edges; i++) {
		const struct ka_gedge *e = &g->edges[w->edges[i]];
		const struct ka_gsite *gs = site_of(w->edges[i], (void *)c);
		struct ka_site *s = &f->sites[i];
		f->steps[i] = (struct ka_path_step){ xstrdup(e->name), e->kind };
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
				const struct ka_inline_frame *fr = &gs->site.chain[k];
				ka_inline_chain_push(s, fr->function, fr->decl_file,
						     fr->decl_line, fr->call_file,
						     fr->call_line);
			}
		} else {
			s->function = xstrdup(e->from == KA_GNODE_NONE
						      ? "?"
						      : g->nodes[e->from].name);
		}
	}
}

/* The function node that starts exactly at (scn, off), else NONE. */
static uint32_t node_starting_at(const struct ka_graph *g, size_t scn,
				 uint64_t off)
{
	size_t lo = 0, hi = g->n_nodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ka_gnode *n = &g->nodes[mid];
		if (n->scn < scn || (n->scn == scn && n->offset < off))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->n_nodes && g->nodes[lo].scn == scn &&
			       g->nodes[lo].offset == off
		       ? (uint32_t)lo
		       : KA_GNODE_NONE;
}

static bool has_call_relocations(const struct ka_graph *g)
{
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].kind == KA_REF_CALL)
			return true;
	return false;
}

/*
 * A kernel image linked without --emit-relocs (Debian 13's debug vmlinux
 * has no .rela.text) has no edges for its calls: every direct call to a
 * GPL-only export, decoded from the code at the DWARF call sites, becomes
 * an edge of its own (one per call site, unlike ka_graph_augment's one per
 * callee), so that the header inlines around each call are counted. Only
 * calls: its static keys and data references stay unseen.
 */
static void decoded_gpl_calls(struct filectx *c)
{
	struct ka_graph *g = &c->g;
	size_t n_nodes = g->n_nodes;
	for (uint32_t n = 0; n < n_nodes; n++) {
		const struct ka_gnode *nd = &g->nodes[n];
		if (!nd->func || !nd->size)
			continue;
		struct ka_dwarf_call *calls;
		size_t nc = ka_dwarf_direct_calls(g->dw, g->elf, nd->scn,
						  nd->offset, nd->size, &calls);
		for (size_t i = 0; i < nc; i++) {
			uint32_t to = node_starting_at(g, nd->scn,
						       calls[i].target);
			if (to == KA_GNODE_NONE || to == n ||
			    !g->nodes[to].global ||
			    !ka_graph_export_gpl(g->nodes[to].export))
				continue;
			ARRAY_GROW(g->edges, g->n_edges, g->cap_edges);
			g->edges[g->n_edges++] = (struct ka_gedge){
				.from = n,
				.to = to,
				.name = g->nodes[to].name,
				.export = g->nodes[to].export,
				.kind = KA_REF_CALL,
				.scn = nd->scn,
				.offset = calls[i].site,
			};
		}
		free(calls);
	}
}

/*
 * Everything the pass learns from one opened file, as plain data in f
 * (object paths are the file's path): the one boundary between walking a
 * file and keeping its facts, so that src/model/cache.c can store them and
 * hand them back for a file with the same contents.
 */
static void walk_file(struct shared *sh, const struct job *j, struct ka_elf *e,
		      const char *owner, struct ka_file_facts *f)
{
	struct filectx c = { .sh = sh, .path = j->path, .owner = owner,
			     .out = &f->r, .diags = &f->diags };
	if (ka_graph_build(&c.g, e, c.owner, &sh->run->exports, sh->o->explain,
			   c.diags) < 0)
		return;

	struct ka_dbg_opts dop = { .debug_dir = sh->o->debug_root };
	struct ka_dwarf *dw = ka_dwarf_open(e, &dop, NULL);
	c.g.dw = dw;
	if (sh->o->explain)
		for (uint32_t i = 0; i < c.g.n_nodes; i++)
			ka_graph_augment(&c.g, i);

	/* Before the wrapper walk adds the calls it decodes. */
	bool decode = sh->o->checks && dw && e->ehdr.e_type != ET_REL &&
		      !has_call_relocations(&c.g);
	struct ka_wrapper *w = NULL;
	size_t n_w = 0, cap = 0;
	if (sh->o->checks)
		n_w = ka_export_wrappers_find(&c.g, sh->run->max_depth, &w);
	if (decode)
		decoded_gpl_calls(&c);
	c.site_of_edge = xcalloc(c.g.n_edges + 1, sizeof(*c.site_of_edge));
	for (size_t i = 0; i < n_w; i++)
		for (size_t k = 0; k < w[i].n_edges; k++)
			want_site(&c, w[i].edges[k], &cap);
	for (size_t i = 0; i < c.g.n_edges; i++)
		if (c.g.edges[i].kind != KA_REF_DATA &&
		    c.g.edges[i].from != KA_GNODE_NONE &&
		    wanted_target(&c, &c.g.edges[i]))
			want_site(&c, i, &cap);

	if (c.n_sites && ka_dwarf_attribute(dw, c.sites, c.n_sites) < 0)
		ka_diag_add(c.diags, false, j->path, 0,
			    "no debug info: header inlines not attributed");

	struct ka_tree_result *out = c.out;
	if (sh->o->reach)
		out->n_reach = out->cap_reach =
			ka_reach_collect(&c.g, c.owner, sh->run->max_depth
					 ? sh->run->max_depth : 3, &out->reach);

	out->wrappers = xcalloc(n_w + 1, sizeof(*out->wrappers));
	out->n_wrappers = out->cap_wrappers = n_w;
	for (size_t i = 0; i < n_w; i++)
		wrapper_fact(&c, &w[i], &out->wrappers[i]);
	ka_wrappers_free(w, n_w);

	/* Every instance of every header inline: what decides whether a
	 * reference is the inline's own (ka_inline_sym_own), for explain too. */
	if (sh->o->checks || sh->o->explain)
		(void)ka_inline_counts(dw, &out->inline_counts);
	param_evidence(&c);
	gather_inlines(&c);
	if (sh->o->explain)
		explain_paths(&c);

	ka_gsites_free(c.sites, c.n_sites);
	free(c.site_of_edge);
	free(c.by_param);
	ka_graph_free(&c.g);
	ka_dwarf_close(dw);
}

/* Adds a file's facts to the build's (under the lock); f is emptied. */
static void merge_facts(struct shared *sh, struct job *j,
			struct ka_file_facts *f)
{
	struct ka_tree_result *res = sh->res;
	struct ka_tree_result *r = &f->r;
	merge_counts(res, &r->inline_counts);
	for (size_t i = 0; i < r->n_uses; i++) {
		const struct ka_inline_use *u = r->uses[i];
		struct ka_inline_use *g =
			use_get(res, u->function, u->decl_file, u->decl_line);
		g->instances += u->instances;
		for (size_t k = 0; k < u->n_syms; k++) {
			const struct ka_inline_sym *y = &u->syms[k];
			size_t gk = use_sym(g, y->symbol); /* may move syms */
			struct ka_inline_sym *gy = &g->syms[gk];
			gy->instances += y->instances;
			gy->by_param += y->by_param;
			for (size_t v = 0; v < y->via.n; v++)
				if (!strvec_contains(&gy->via, y->via.v[v]))
					strvec_push(&gy->via, y->via.v[v]);
		}
		for (size_t v = 0; v < u->inner.n; v++)
			if (!strvec_contains(&g->inner, u->inner.v[v]))
				strvec_push(&g->inner, u->inner.v[v]);
		if (u->example_file)
			set_example(g, u->example_object, u->example_file,
				    u->example_line, u->example_function);
	}
	for (size_t i = 0; i < r->n_wrappers; i++) {
		ARRAY_GROW(res->wrappers, res->n_wrappers, res->cap_wrappers);
		res->wrappers[res->n_wrappers++] = r->wrappers[i];
	}
	r->n_wrappers = 0;
	for (size_t i = 0; i < r->n_reach; i++) {
		ARRAY_GROW(res->reach, res->n_reach, res->cap_reach);
		res->reach[res->n_reach++] = r->reach[i];
	}
	r->n_reach = 0;
	for (size_t i = 0; i < r->n_paths; i++) {
		ARRAY_GROW(res->paths, res->n_paths, res->cap_paths);
		res->paths[res->n_paths++] = r->paths[i];
	}
	r->n_paths = 0;
	j->diags = f->diags; /* added to the run's in the jobs' order */
	f->diags = (struct ka_diags){ 0 };
}

static void process(struct shared *sh, struct job *j)
{
	struct ka_file_facts f;
	ka_file_facts_init(&f);
	struct ka_elf e;
	char *why = NULL, *owner = NULL;
	bool cached = false;
	if (ka_elf_open(j->path, &e, &why) < 0) {
		ka_diag_add(&f.diags, true, j->path, 0, "%s",
			    why ? why : "cannot open");
		free(why);
	} else {
		owner = j->is_vmlinux ? xstrdup("vmlinux")
				      : ka_module_name_from_path(j->path);
		struct ka_cache_key key;
		bool keyed = sh->o->cache &&
			     ka_cache_key(sh->o->cache, &e, owner, &key) == 0;
		cached = keyed && ka_cache_load(sh->o->cache, &key, j->path,
						owner, &f) == 0;
		if (!cached) {
			walk_file(sh, j, &e, owner, &f);
			if (keyed)
				ka_cache_store(sh->o->cache, &key, j->path, &f);
		}
		ka_elf_close(&e);
	}
	pthread_mutex_lock(&sh->res->lock);
	merge_facts(sh, j, &f);
	sh->res->files_done++;
	sh->res->files_cached += cached;
	if (sh->o->progress)
		sh->o->progress(sh->res->files_done, sh->res->files_total,
				sh->res->files_cached, sh->o->progress_arg);
	pthread_mutex_unlock(&sh->res->lock);
	ka_file_facts_free(&f);
	free(owner);
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	size_t i;
	while ((i = ka_jobq_take(&sh->q)) != SIZE_MAX) {
		process(sh, &sh->jobs[i]);
		ka_jobq_done(&sh->q, i);
	}
	return NULL;
}

/* Largest first: the long jobs start early, the small ones fill in. */
static int cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Files walked at once hold their DWARF in memory together: their weights
 * stay under KA_JOBQ_BUDGET, small files aside.
 */
static void weigh_jobs(struct shared *sh)
{
	uint64_t budget = KA_JOBQ_BUDGET;
	uint64_t *w = xcalloc(sh->n_jobs + 1, sizeof(*w));
	for (size_t i = 0; i < sh->n_jobs; i++) {
		struct job *j = &sh->jobs[i];
		j->order = i;
		j->size = ka_file_weight(j->path);
	}
	qsort(sh->jobs, sh->n_jobs, sizeof(*sh->jobs), cmp_job);
	for (size_t i = 0; i < sh->n_jobs; i++)
		w[i] = sh->jobs[i].size;
	ka_jobq_init(&sh->q, w, sh->n_jobs, budget);
	free(w);
}

static int cmp_job_order(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct ka_inline_sym *x = a, *y = b;
	return strcmp(x->symbol, y->symbol);
}

static int cmp_use(const void *a, const void *b)
{
	const struct ka_inline_use *x = *(const struct ka_inline_use *const *)a;
	const struct ka_inline_use *y = *(const struct ka_inline_use *const *)b;
	int c = strcmp(x->decl_file, y->decl_file);
	if (c)
		return c;
	if (x->decl_line != y->decl_line)
		return x->decl_line < y->decl_line ? -1 : 1;
	return strcmp(x->function, y->function);
}

int ka_tree_run(struct ka_run *run, const struct ka_tree_opts *o,
		struct ka_tree_result *res)
{
	struct shared sh = { .run = run, .o = o, .res = res };
	*res = (struct ka_tree_result){ 0 };
	pthread_mutex_init(&res->lock, NULL);
	sh.jobs = xcalloc(o->modules.n + 1, sizeof(*sh.jobs));
	if (o->vmlinux)
		sh.jobs[sh.n_jobs++] = (struct job){ o->vmlinux, true };
	for (size_t i = 0; i < o->modules.n; i++)
		sh.jobs[sh.n_jobs++] = (struct job){ o->modules.v[i], false };
	res->files_total = (unsigned)sh.n_jobs;
	if (o->cache)
		ka_cache_bind(o->cache, run, o);

	weigh_jobs(&sh);
	ka_run_workers(run->threads, sh.n_jobs, worker, &sh);
	ka_jobq_free(&sh.q);
	qsort(sh.jobs, sh.n_jobs, sizeof(*sh.jobs), cmp_job_order);
	for (size_t i = 0; i < sh.n_jobs; i++) {
		for (size_t k = 0; k < sh.jobs[i].diags.n; k++) {
			const struct ka_diag *d = &sh.jobs[i].diags.v[k];
			ka_diag_add(&run->diags, d->fatal, d->file, d->line,
				    "%s", d->message);
		}
		ka_diags_free(&sh.jobs[i].diags);
	}
	free(sh.jobs);

	if (res->n_uses)
		qsort(res->uses, res->n_uses, sizeof(*res->uses), cmp_use);
	ka_reach_merge(res->reach, &res->n_reach);
	for (size_t i = 0; i < res->n_uses; i++) {
		strvec_sort_unique(&res->uses[i]->gpl_symbols);
		/* Thread order decides which is seen first: sort for stable output. */
		strvec_sort_unique(&res->uses[i]->inner);
		struct ka_inline_use *u = res->uses[i];
		char *key = ka_inline_key(u->function, u->decl_file, u->decl_line);
		const struct ka_inline_count *n =
			hashmap_get(&res->inline_counts, key);
		u->inline_instances = n ? n->n : 0;
		free(key);
		if (u->n_syms)
			qsort(u->syms, u->n_syms, sizeof(*u->syms), cmp_sym);
		for (size_t k = 0; k < u->n_syms; k++)
			strvec_sort_unique(&u->syms[k].via);
	}
	return 0;
}

/*
 * A reference is the inline's own when nearly every instance carries it:
 * a call or key in its body (or in an inner inline it calls with its own
 * arguments) is in all of them, whereas an argument, callback, key or
 * global that a caller passes in shows up only in that caller's instances.
 * Instances where a formal parameter's DWARF location names the symbol
 * (the caller passed it) do not count. The generic machinery (static keys,
 * static calls, list and workqueue helpers) carries a different key or
 * object from each caller, so it falls out, and the header inline that
 * names the key is reported instead. Measured on Debian's 6.1 and 6.12
 * cloud kernels (tests/precision/): real exposures sit at 0.9 and above,
 * argument-borne ones at a few percent.
 */
#define OWN_PERCENT 80

bool ka_inline_sym_own(const struct ka_inline_use *u,
		       const struct ka_inline_sym *y)
{
	unsigned all = u->inline_instances > y->instances ? u->inline_instances
							  : y->instances;
	unsigned own = y->instances - y->by_param;
	return own && (uint64_t)own * 100 >= (uint64_t)all * OWN_PERCENT;
}

void ka_file_facts_init(struct ka_file_facts *f)
{
	*f = (struct ka_file_facts){ 0 };
	pthread_mutex_init(&f->r.lock, NULL);
}

void ka_file_facts_free(struct ka_file_facts *f)
{
	ka_tree_result_free(&f->r);
	ka_diags_free(&f->diags);
}

void ka_tree_result_free(struct ka_tree_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_uses; i++) {
		struct ka_inline_use *u = res->uses[i];
		free(u->function);
		free(u->decl_file);
		strvec_free(&u->gpl_symbols);
		strvec_free(&u->inner);
		for (size_t k = 0; k < u->n_syms; k++) {
			free(u->syms[k].symbol);
			strvec_free(&u->syms[k].via);
		}
		free(u->syms);
		free(u->example_file);
		free(u->example_object);
		free(u->example_function);
		free(u);
	}
	free(res->uses);
	hashmap_foreach(&res->inlines, slot)
		free((char *)slot->key);
	hashmap_free(&res->inlines);
	ka_inline_counts_free(&res->inline_counts);
	for (size_t i = 0; i < res->n_paths; i++) {
		for (size_t k = 0; k < res->paths[i].n_steps; k++)
			free(res->paths[i].steps[k].symbol);
		free(res->paths[i].steps);
		free(res->paths[i].object);
	}
	free(res->paths);
	for (size_t i = 0; i < res->n_wrappers; i++) {
		struct ka_wrapper_fact *f = &res->wrappers[i];
		free(f->object);
		free(f->owner);
		free(f->symbol);
		for (size_t k = 0; k < f->n_steps; k++) {
			free(f->steps[k].symbol);
			ka_site_clear(&f->sites[k]);
		}
		free(f->steps);
		free(f->sites);
		strvec_free(&f->reached);
		for (size_t k = 0; k < f->n_targets; k++) {
			for (size_t j = 0; j < f->targets[k].n_steps; j++)
				free(f->targets[k].steps[j].symbol);
			free(f->targets[k].steps);
			free(f->targets[k].symbol);
		}
		free(f->targets);
	}
	free(res->wrappers);
	struct ka_kfacts kf = { .reach = res->reach, .n_reach = res->n_reach };
	ka_kfacts_free(&kf);
	/* A zeroed mutex is PTHREAD_MUTEX_INITIALIZER in glibc. */
	pthread_mutex_destroy(&res->lock);
	*res = (struct ka_tree_result){ 0 };
}
