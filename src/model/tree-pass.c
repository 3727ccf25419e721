/*
 * The whole-kernel pass, one file: its graph, DWARF attribution, header
 * inline uses, wrappers and reach, as the file's facts; and the merge of
 * a file's facts into the build's. Each file's graph and DWARF are
 * dropped before the next; tree-run.c runs the files.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "graph.h"
#include "tree-pass.h"

/* One inline instance seen in this file carrying a symbol: a use, the
 * symbol's index in it and the instance's DIE offset. */
struct inst {
	struct ka_inline_use *use;
	size_t sym;
	uint64_t off;
	bool by_param; /* a formal parameter of the instance names it */
};

struct filectx {
	const struct ka_tree_pass *sh;
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

/* The instance's place in a kernel function: the outermost call site. */
static void example(struct ka_inline_use *u, const struct filectx *c,
		    const struct ka_site *s)
{
	const struct ka_inline_frame *f = &s->chain[s->n_chain - 1];
	ka_inline_use_example(u, c->path, f->call_file, f->call_line, s->function);
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
				ka_inline_use_get(res, f->function, f->decl_file, f->decl_line);
			size_t sym = ka_inline_use_sym(u, e->name);
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
			struct ka_inline_use *u = ka_inline_use_get(res, s->function,
							  gs->outer_decl_file,
							  gs->outer_decl_line);
			size_t sym = ka_inline_use_sym(u, e->name);
			for (size_t j = s->n_chain; j-- > 0;)
				add_via(u, sym, s->chain[j].function);
			ka_inline_use_example(u, c->path, s->file, s->line, s->function);
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

void ka_tree_walk_file(const struct ka_tree_pass *sh, const char *path,
		       struct ka_elf *e, const char *owner,
		       struct ka_file_facts *f)
{
	struct filectx c = { .sh = sh, .path = path, .owner = owner,
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
		ka_diag_add(c.diags, false, path, 0,
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
