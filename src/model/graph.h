/*
 * The kernel reference graph (ksymaudit tree, explain), built one object
 * file at a time: a reference never leaves its file except through an
 * export, and every walk stops at exports, so no global graph is needed.
 * Nodes are the file's functions and data objects (symbol table, with
 * their address ranges); edges are its references from relocations
 * (src/readers/relocs.c), each with its site. Private to src/model: the
 * tree pass (tree-pass.c) walks it; its interface to checks and commands
 * is tree.h.
 */
#pragma once

#include <elfutils/libdwfl.h>
#include <pthread.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/exports.h"
#include "ksymaudit/dwarf.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/hashmap.h"
#include "ksymaudit/report.h"
#include "ksymaudit/run.h"
#include "ksymaudit/tree.h"

#define KA_GNODE_NONE UINT32_MAX

struct ka_gnode {
	const char *name; /* borrowed from the ELF */
	size_t scn;
	uint64_t offset, size; /* section-relative, also in linked files */
	bool func;
	bool global;
	/* Set when this node is exported (global, named in the export db). */
	const struct ka_export *export;
	uint32_t edge0, n_edges; /* its references, in ka_graph.edges */
};

struct ka_gedge {
	uint32_t from;  /* node containing the site, KA_GNODE_NONE if none */
	uint32_t to;    /* node referenced, KA_GNODE_NONE when external */
	const char *name; /* referenced symbol's name (borrowed) */
	const struct ka_export *export; /* target's export, NULL if none */
	enum ka_ref_kind kind;
	size_t scn;     /* site: section and offset of the reference */
	uint64_t offset;
	uint64_t addr;  /* sh_addr + offset */
};

struct ka_graph {
	struct ka_elf *elf;  /* borrowed */
	struct ka_dwarf *dw; /* borrowed, NULL without debug info */
	/* Calls found in the code (ka_graph_augment): edge indices per node. */
	struct ka_gextra {
		uint32_t *v;
		uint32_t n, cap;
	} *extra;
	unsigned char *augmented;
	const char *owner;   /* "vmlinux" or the module's name */
	struct ka_gnode *nodes;
	size_t n_nodes;
	struct ka_gedge *edges; /* sorted by from, then augmented calls */
	size_t n_edges, cap_edges;
	const struct ka_exportdb *db;
};

/*
 * Builds the graph of e: nodes from its symbol table, edges from its
 * relocations (references to functions, to GPL-only exports, and to
 * extra, a symbol of interest, which may be NULL). Returns 0 or a
 * negative errno (problem recorded in diags).
 */
int ka_graph_build(struct ka_graph *g, struct ka_elf *e, const char *owner,
		   const struct ka_exportdb *db, const char *extra,
		   struct ka_diags *diags) KA_WUR;
/* NULL or zeroed: nothing; leaves *g zeroed. */
void ka_graph_free(struct ka_graph *g);

/*
 * Adds to node n the direct calls that have no relocation, from the DWARF
 * call sites and the code (x86); once per node, nothing without g->dw.
 */
void ka_graph_augment(struct ka_graph *g, uint32_t n);

/* Visits every edge index of node n: relocations, then augmented calls. */
#define ka_gnode_foreach_edge(G, N, EI)                                        \
	for (uint32_t _k = 0, EI = 0;                                          \
	     _k < (G)->nodes[N].n_edges + ((G)->extra ? (G)->extra[N].n : 0) && \
	     ((EI = _k < (G)->nodes[N].n_edges                                 \
			    ? (G)->nodes[N].edge0 + _k                         \
			    : (G)->extra[N].v[_k - (G)->nodes[N].n_edges]),    \
	      1);                                                              \
	     _k++)

/* True when the export is GPL-only. */
bool ka_graph_export_gpl(const struct ka_export *x);

/* ---- export-wrapper facts (src/model/wrappers.c) ---- */

/* A GPL-only export a wrapper reaches, with its own shortest path. */
struct ka_wrapper_path {
	const char *name;  /* the export (borrowed from the graph) */
	uint32_t *edges;   /* edge indices, in order */
	size_t n_edges;
};

/* A non-GPL export whose code reaches a GPL-only export. */
struct ka_wrapper {
	uint32_t node;       /* the export */
	uint32_t *edges;     /* shortest path: edge indices, in order */
	size_t n_edges;
	struct strvec reached; /* every GPL-only export within the depth */
	struct ka_wrapper_path *targets; /* one per reached, sorted by name */
	size_t n_targets;
};

/* Finds the wrappers of g (walk bounded by max_depth, stops at exports). */
size_t ka_export_wrappers_find(struct ka_graph *g, unsigned max_depth,
			       struct ka_wrapper **out);
/* Frees w[0..n) and the array; NULL: nothing. */
void ka_wrappers_free(struct ka_wrapper *w, size_t n);

/* ---- reach facts for export-door (src/model/reach.c) ---- */

/*
 * The unexported functions of g that its exports reach through unexported
 * code within max_depth steps, each with a GPL-only export that reaches it
 * and the shortest path from a non-GPL one. Returns the number of facts in
 * *out (owned by the caller).
 */
size_t ka_reach_collect(struct ka_graph *g, const char *owner,
			unsigned max_depth, struct ka_reach_fact **out);
/* Sorts facts by owner and function and merges those of the same name. */
void ka_reach_merge(struct ka_reach_fact *v, size_t *n);
