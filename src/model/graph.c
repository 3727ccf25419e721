/* The reference graph of one object file: symbol-table nodes, reloc edges. */
#include <errno.h>
#include <stdlib.h>

#include "graph.h"
#include "ksymaudit/refs.h"

bool ka_graph_export_gpl(const struct ka_export *x)
{
	return x && ka_export_type_is_gpl_only(x->type);
}

struct symtab {
	/* A linked kernel keeps __jump_table inside .data, between these. */
	size_t jt_scn;
	uint64_t jt_start, jt_stop;
	Elf_Data *data;
	size_t n, strndx;
	uint64_t *scn_addr; /* per section: sh_addr when linked, else 0 */
	uint64_t *scn_flags;
	size_t nscn;
	bool linked;
};

static int symtab_open(struct ka_elf *e, struct symtab *st)
{
	Elf_Scn *scn = NULL;
	*st = (struct symtab){ .linked = e->ehdr.e_type != ET_REL };
	if (elf_getshdrnum(e->elf, &st->nscn) != 0)
		return -EINVAL;
	st->scn_addr = xcalloc(st->nscn + 1, sizeof(*st->scn_addr));
	st->scn_flags = xcalloc(st->nscn + 1, sizeof(*st->scn_flags));
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		size_t i = elf_ndxscn(scn);
		st->scn_addr[i] = st->linked ? sh.sh_addr : 0;
		st->scn_flags[i] = sh.sh_flags;
		if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize) {
			st->data = elf_getdata(scn, NULL);
			st->n = st->data ? st->data->d_size / sh.sh_entsize : 0;
			st->strndx = sh.sh_link;
		}
	}
	return st->data ? 0 : -ENOENT;
}

static void symtab_close(struct symtab *st)
{
	free(st->scn_addr);
	free(st->scn_flags);
}

static int cmp_node(const void *a, const void *b)
{
	const struct ka_gnode *x = a, *y = b;
	if (x->scn != y->scn)
		return x->scn < y->scn ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* Aliases: globals first, then the larger, then by name. */
	if (x->global != y->global)
		return x->global ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void read_nodes(struct ka_graph *g, struct ka_elf *e,
		       struct symtab *st)
{
	size_t cap = 0;
	for (size_t i = 1; i < st->n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(st->data, (int)i, &s))
			continue;
		int t = GELF_ST_TYPE(s.st_info), b = GELF_ST_BIND(s.st_info);
		if (t == STT_NOTYPE && st->linked && s.st_shndx < st->nscn &&
		    s.st_shndx != SHN_UNDEF) {
			const char *nm = elf_strptr(e->elf, st->strndx, s.st_name);
			uint64_t off = s.st_value - st->scn_addr[s.st_shndx];
			if (nm && strcmp(nm, "__start___jump_table") == 0) {
				st->jt_scn = s.st_shndx;
				st->jt_start = off;
			} else if (nm && strcmp(nm, "__stop___jump_table") == 0) {
				st->jt_stop = off;
			}
		}
		if ((t != STT_FUNC && t != STT_OBJECT) ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE ||
		    s.st_shndx >= st->nscn)
			continue;
		const char *name = elf_strptr(e->elf, st->strndx, s.st_name);
		if (!name || !*name)
			continue;
		ARRAY_GROW(g->nodes, g->n_nodes, cap);
		struct ka_gnode *n = &g->nodes[g->n_nodes++];
		*n = (struct ka_gnode){
			.name = name,
			.scn = s.st_shndx,
			.offset = s.st_value - st->scn_addr[s.st_shndx],
			.size = s.st_size,
			.func = t == STT_FUNC,
			.global = b == STB_GLOBAL || b == STB_WEAK,
		};
		if (n->global)
			n->export = ka_exportdb_find(g->db, name);
	}
	if (g->n_nodes)
		qsort(g->nodes, g->n_nodes, sizeof(*g->nodes), cmp_node);
	/* Drop aliases at the same address: the first (global) one stays. */
	size_t w = 0;
	for (size_t i = 0; i < g->n_nodes; i++) {
		if (w && g->nodes[w - 1].scn == g->nodes[i].scn &&
		    g->nodes[w - 1].offset == g->nodes[i].offset) {
			if (!g->nodes[w - 1].export && g->nodes[i].export)
				g->nodes[w - 1].export = g->nodes[i].export;
			continue;
		}
		g->nodes[w++] = g->nodes[i];
	}
	g->n_nodes = w;
}

/* The node whose range holds (scn, off), else the nearest before it. */
static uint32_t node_at(const struct ka_graph *g, size_t scn, uint64_t off,
			bool exact)
{
	size_t lo = 0, hi = g->n_nodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ka_gnode *n = &g->nodes[mid];
		if (n->scn < scn || (n->scn == scn && n->offset <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || g->nodes[lo - 1].scn != scn)
		return KA_GNODE_NONE;
	const struct ka_gnode *n = &g->nodes[lo - 1];
	if (exact && n->offset != off &&
	    !(off >= n->offset && off < n->offset + n->size))
		return KA_GNODE_NONE;
	return (uint32_t)(lo - 1);
}

struct want_ctx {
	const struct ka_exportdb *db;
	const char *extra;
	const struct symtab *st;
};

/* References to code, to GPL-only exports and to the symbol of interest. */
static bool want_ref(const char *symbol, const GElf_Sym *sym, void *arg)
{
	const struct want_ctx *w = arg;
	int t = GELF_ST_TYPE(sym->st_info);
	if (t == STT_SECTION)
		return sym->st_shndx < w->st->nscn &&
		       (w->st->scn_flags[sym->st_shndx] & SHF_EXECINSTR);
	if (w->extra && strcmp(symbol, w->extra) == 0)
		return true;
	if (t == STT_FUNC && sym->st_shndx != SHN_UNDEF)
		return true;
	if (GELF_ST_BIND(sym->st_info) == STB_LOCAL)
		return false;
	return ka_graph_export_gpl(ka_exportdb_find(w->db, symbol));
}

static int cmp_edge(const void *a, const void *b)
{
	const struct ka_gedge *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->scn != y->scn)
		return x->scn < y->scn ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static bool pc_relative(unsigned machine, unsigned t)
{
	return machine == EM_X86_64 &&
	       (t == R_X86_64_PC32 || t == R_X86_64_PLT32);
}

static void add_edge(struct ka_graph *g, const struct symtab *st,
		     const struct ka_ref *r, size_t *cap)
{
	GElf_Sym s;
	if (!gelf_getsym(st->data, (int)r->sym_index, &s))
		return;
	struct ka_gedge ed = {
		.from = node_at(g, r->scn, r->offset, false),
		.to = KA_GNODE_NONE,
		.name = r->symbol,
		.kind = r->kind,
		.scn = r->scn,
		.offset = r->offset,
		.addr = r->addr,
	};
	bool defined = s.st_shndx != SHN_UNDEF && s.st_shndx < st->nscn;
	if (GELF_ST_TYPE(s.st_info) == STT_SECTION) {
		if (!defined)
			return;
		uint64_t off = s.st_value - st->scn_addr[s.st_shndx] +
			       (uint64_t)r->addend;
		if (pc_relative(g->elf->ehdr.e_machine, r->r_type))
			off += 4;
		ed.to = node_at(g, s.st_shndx, off, true);
		if (ed.to == KA_GNODE_NONE)
			return;
		ed.name = g->nodes[ed.to].name;
	} else if (defined) {
		ed.to = node_at(g, s.st_shndx,
				s.st_value - st->scn_addr[s.st_shndx], true);
	}
	if (ed.to != KA_GNODE_NONE) {
		const struct ka_gnode *t = &g->nodes[ed.to];
		ed.export = t->export;
		if (GELF_ST_BIND(s.st_info) == STB_LOCAL &&
		    GELF_ST_TYPE(s.st_info) != STT_SECTION)
			ed.export = NULL; /* a static that shares a name */
	} else if (GELF_ST_BIND(s.st_info) != STB_LOCAL) {
		ed.export = ka_exportdb_find(g->db, r->symbol);
	}
	if (ed.from == ed.to && ed.from != KA_GNODE_NONE)
		return; /* recursion and local jumps */
	ARRAY_GROW(g->edges, g->n_edges, *cap);
	g->edges[g->n_edges++] = ed;
}

/*
 * x86-64 vmlinux: the jump table is part of .data, so refs.c sees its
 * entries as data. struct jump_entry is {s32 code, s32 target, long key}
 * (arch/x86/include/asm/jump_label.h): a key reference at +8 is a static
 * key tested at the code address the entry's +0 field points to.
 */
static void linked_jump_table(struct ka_graph *g, const struct symtab *st,
			      struct ka_refs *refs)
{
	if (!st->jt_scn || st->jt_stop <= st->jt_start ||
	    g->elf->ehdr.e_machine != EM_X86_64)
		return;
	size_t n = (size_t)(st->jt_stop - st->jt_start) / 16 + 1;
	struct { size_t scn; uint64_t off; } *code = xcalloc(n, sizeof(*code));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < refs->n; i++) {
			struct ka_ref *r = &refs->v[i];
			if (r->from_scn != st->jt_scn || r->from_offset < st->jt_start ||
			    r->from_offset >= st->jt_stop)
				continue;
			uint64_t rel = r->from_offset - st->jt_start;
			size_t ent = (size_t)(rel / 16);
			GElf_Sym s;
			if (pass == 0 && rel % 16 == 0 &&
			    gelf_getsym(st->data, (int)r->sym_index, &s) &&
			    s.st_shndx < st->nscn && s.st_shndx != SHN_UNDEF) {
				code[ent].scn = s.st_shndx;
				code[ent].off = s.st_value - st->scn_addr[s.st_shndx] +
						(uint64_t)r->addend;
			} else if (pass == 1 && rel % 16 == 8 && code[ent].scn) {
				r->kind = KA_REF_STATIC_KEY;
				r->scn = code[ent].scn;
				r->offset = code[ent].off;
				r->addr = st->scn_addr[r->scn] + r->offset;
			}
		}
	free(code);
}

int ka_graph_build(struct ka_graph *g, struct ka_elf *e, const char *owner,
		   const struct ka_exportdb *db, const char *extra,
		   struct ka_diags *diags)
{
	struct symtab st;
	*g = (struct ka_graph){ .elf = e, .owner = owner, .db = db };
	int err = symtab_open(e, &st);
	if (err) {
		ka_diag_add(diags, false, e->path, 0, "no symbol table");
		symtab_close(&st);
		return err;
	}
	read_nodes(g, e, &st);

	struct want_ctx w = { .db = db, .extra = extra, .st = &st };
	struct ka_refs refs = { 0 };
	int n = ka_refs_collect(e, want_ref, &w, &refs, diags);
	if (n < 0) {
		ka_refs_free(&refs);
		symtab_close(&st);
		ka_graph_free(g); /* the nodes read above */
		return n;
	}
	linked_jump_table(g, &st, &refs);
	for (size_t i = 0; i < refs.n; i++)
		add_edge(g, &st, &refs.v[i], &g->cap_edges);
	ka_refs_free(&refs);
	symtab_close(&st);

	if (g->n_edges)
		qsort(g->edges, g->n_edges, sizeof(*g->edges), cmp_edge);
	for (size_t i = 0; i < g->n_edges; i++) {
		uint32_t f = g->edges[i].from;
		if (f == KA_GNODE_NONE)
			continue;
		if (!g->nodes[f].n_edges)
			g->nodes[f].edge0 = (uint32_t)i;
		g->nodes[f].n_edges++;
	}
	return 0;
}

void ka_graph_augment(struct ka_graph *g, uint32_t n)
{
	if (!g->dw || !g->n_nodes)
		return;
	if (!g->augmented) {
		g->augmented = xcalloc(g->n_nodes, 1);
		g->extra = xcalloc(g->n_nodes, sizeof(*g->extra));
	}
	if (g->augmented[n])
		return;
	g->augmented[n] = 1;
	struct ka_gnode *nd = &g->nodes[n];
	if (!nd->func)
		return;
	struct ka_dwarf_call *calls;
	size_t nc = ka_dwarf_direct_calls(g->dw, g->elf, nd->scn, nd->offset,
					  nd->size, &calls);
	for (size_t i = 0; i < nc; i++) {
		uint32_t to = node_at(g, nd->scn, calls[i].target, true);
		if (to == KA_GNODE_NONE || to == n ||
		    g->nodes[to].offset != calls[i].target)
			continue;
		/* A call site with a relocation is known by it: in a
		 * relocatable file its displacement reads 0 (a jump to the
		 * next instruction), not the callee. */
		bool known = false;
		for (uint32_t k = 0; k < nd->n_edges && !known; k++) {
			const struct ka_gedge *ke = &g->edges[nd->edge0 + k];
			known = ke->to == to || (ke->scn == nd->scn &&
						 ke->offset == calls[i].site);
		}
		for (uint32_t k = 0; k < g->extra[n].n && !known; k++)
			known = g->edges[g->extra[n].v[k]].to == to;
		if (known)
			continue;
		ARRAY_GROW(g->edges, g->n_edges, g->cap_edges);
		g->edges[g->n_edges] = (struct ka_gedge){
			.from = n,
			.to = to,
			.name = g->nodes[to].name,
			.export = g->nodes[to].global ? g->nodes[to].export : NULL,
			.kind = KA_REF_CALL,
			.scn = nd->scn,
			.offset = calls[i].site,
		};
		struct ka_gextra *x = &g->extra[n];
		ARRAY_GROW(x->v, x->n, x->cap);
		x->v[x->n++] = (uint32_t)g->n_edges++;
	}
	free(calls);
}

void ka_graph_free(struct ka_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; g->extra && i < g->n_nodes; i++)
		free(g->extra[i].v);
	free(g->extra);
	free(g->augmented);
	free(g->nodes);
	free(g->edges);
	*g = (struct ka_graph){ 0 };
}
