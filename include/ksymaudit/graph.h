/*
 * The kernel reference graph (ksymaudit tree, explain), built one object
 * file at a time: a reference never leaves its file except through an
 * export, and every walk stops at exports, so no global graph is needed.
 * Nodes are the file's functions and data objects (symbol table, with
 * their address ranges); edges are its references from relocations
 * (src/explain/refs.c), each with its site.
 */
#pragma once

#include <elfutils/libdwfl.h>
#include <pthread.h>

#include "ksymaudit/cmd.h"
#include "ksymaudit/elffile.h"
#include "ksymaudit/exports.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/hashmap.h"
#include "ksymaudit/run.h"

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

struct ka_dwarf;

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

/* ---- DWARF of one file (src/graph/dwarf.c) ---- */

/* Opens the DWARF of e (or of dbgfile); NULL when there is none. */
struct ka_dwarf *ka_dwarf_open(struct ka_elf *e, const char *dbgfile);
void ka_dwarf_close(struct ka_dwarf *d);
Dwarf *ka_dwarf_handle(const struct ka_dwarf *d);
/* DWARF address of (section of e, offset), UINT64_MAX when unknown. */
uint64_t ka_dwarf_addr(const struct ka_dwarf *d, size_t scn, uint64_t off);

struct ka_dwarf_call {
	uint64_t site;   /* offset of the call's operand in the section */
	uint64_t target; /* offset of the callee in the same section */
};
/* Direct calls of the function at (scn, offset, size); *out is owned. */
size_t ka_dwarf_direct_calls(struct ka_dwarf *d, struct ka_elf *e, size_t scn,
			     uint64_t offset, uint64_t size,
			     struct ka_dwarf_call **out);

/* True when the export is GPL-only. */
bool ka_graph_export_gpl(const struct ka_export *x);

/* ---- Inline chains of sites, from DWARF (src/graph/inlines.c) ---- */

/* One attributed site: the chain of inlined frames, innermost first. */
struct ka_gsite {
	size_t scn;            /* input: site section and offset */
	uint64_t offset;
	size_t cookie;         /* input: for the caller (e.g. edge index) */
	struct ka_site site;   /* output: function, file:line, chain */
	uint64_t *frame_off;   /* output: DIE offset of each chain frame (the
				  inline instance), to count instances */
	bool *frame_inline;    /* output: each frame's function is declared
				  inline (not only inlined by the compiler) */
	bool outer_inline;     /* output: the out-of-line function is
				  declared inline */
	char *outer_decl_file; /* output: declaration of the out-of-line
				  function (a header inline's out-of-line
				  copy has a header here), else NULL */
	unsigned outer_decl_line;
};

void ka_gsites_free(struct ka_gsite *v, size_t n);

/*
 * Opens the DWARF of e (in the file, or dbgfile when not NULL) and fills
 * each site's chain, reading only the CUs and subprograms that contain a
 * site. Returns 0, or -ENOENT when there is no debug info (sites are
 * left unattributed: site.function stays NULL).
 */
int ka_inlines_attribute(struct ka_dwarf *d, struct ka_gsite *sites,
			 size_t n);

/* ---- export-wrapper (src/checks/export-wrapper.c) ---- */

/* A non-GPL export whose code reaches a GPL-only export. */
struct ka_wrapper {
	uint32_t node;       /* the export */
	uint32_t *edges;     /* shortest path: edge indices, in order */
	size_t n_edges;
	struct strvec reached; /* every GPL-only export within the depth */
};

/* Finds the wrappers of g (walk bounded by max_depth, stops at exports). */
size_t ka_export_wrappers_find(struct ka_graph *g, unsigned max_depth,
			       struct ka_wrapper **out);
void ka_wrappers_free(struct ka_wrapper *w, size_t n);
/*
 * Adds the finding for w to out; site_of(edge) gives the attributed site
 * of a path edge (NULL when none). Returns the finding.
 */
struct ka_finding *ka_export_wrapper_report(
	const struct ka_graph *g, const char *path, const struct ka_wrapper *w,
	const struct ka_gsite *(*site_of)(size_t edge, void *arg), void *arg,
	struct ka_findings *out);
/* Ranks export-wrapper findings thinnest first (sizes[i]: code bytes). */
void ka_export_wrappers_rank(struct ka_findings *f, const uint64_t *sizes);

/* ---- The whole-kernel pass (src/graph/tree.c) ---- */

/* What a tree run looks at. */
struct ka_tree_opts {
	const char *vmlinux;       /* kernel image with relocations, or NULL */
	struct strvec modules;     /* module files */
	const char *debug_root;    /* e.g. /usr/lib/debug, or NULL */
	unsigned threads;          /* 0: number of CPUs */
	bool checks;               /* run the tree checks */
	const char *explain;       /* explain this symbol, or NULL */
	/* Called after each file (from any thread, under a lock). */
	void (*progress)(unsigned done, unsigned total, void *arg);
	void *progress_arg;
};

/* A header inline that reaches GPL-only exports (inline-exposure). */
struct ka_inline_use {
	char *function, *decl_file;
	unsigned decl_line;
	struct strvec gpl_symbols; /* sorted, unique */
	struct strvec inner;       /* inner inlines on the way, sorted */
	unsigned instances;
	char *example_file;        /* one instance, in the kernel sources */
	unsigned example_line;
	char *example_object;      /* the object file it was seen in */
	char *example_function;
};

/* Paths found by explain SYMBOL. */
struct ka_explain_path {
	char *object;             /* vmlinux or module */
	struct ka_path_step *steps; /* from the export to SYMBOL */
	size_t n_steps;
};

struct ka_tree_result {
	pthread_mutex_t lock;
	struct hashmap inlines;   /* "function\tdecl_file:line" -> use */
	struct ka_inline_use **uses;
	size_t n_uses, cap_uses;
	struct ka_explain_path *paths;
	size_t n_paths, cap_paths;
	unsigned files_done, files_total;
	/* export-wrapper findings before ranking, and their code sizes. */
	struct ka_findings wrappers;
	uint64_t *wrapper_sizes;
	size_t cap_sizes;
};

/*
 * Runs over vmlinux and every module, in parallel, adding findings
 * (export-wrapper; inline-exposure after all files) to run->findings and
 * explain paths to res. Returns 0 or a negative errno.
 */
int ka_tree_run(struct ka_run *run, const struct ka_tree_opts *o,
		struct ka_tree_result *res);
void ka_tree_result_free(struct ka_tree_result *res);

/* The other tree checks. */
void ka_check_inline_exposure(struct ka_run *run,
			      const struct ka_tree_result *res);
void ka_check_export_mismatch(struct ka_run *run);

/* ---- Command-line inputs shared by tree and explain (src/graph/inputs.c) */

struct ka_tree_cli {
	const char *kernel;        /* -k DIR */
	const char *vmlinux;       /* --vmlinux FILE */
	const char *release;       /* --release VER: Debian's debug layout */
	struct strvec module_dirs; /* -m DIR|FILE, repeatable */
	struct strvec symvers;     /* -s FILE, repeatable */
	struct strvec waivers;     /* -w FILE, repeatable */
	const char *debug_root;    /* --debug-root DIR */
	unsigned threads;          /* -t N */
	char *owned_vmlinux;
};

enum {
	KA_TOPT_VMLINUX = KA_OPT_FIRST_COMMAND_OPT + 0x40,
	KA_TOPT_RELEASE,
	KA_TOPT_DEBUG_ROOT,
	KA_TOPT_MAX_DEPTH,
};
#define KA_TREE_SHORTOPTS "k:m:s:t:w:"
#define KA_TREE_LONGOPTS                                                       \
	{"kernel", required_argument, NULL, 'k'},                              \
	{"modules", required_argument, NULL, 'm'},                             \
	{"symvers", required_argument, NULL, 's'},                             \
	{"threads", required_argument, NULL, 't'},                             \
	{"waivers", required_argument, NULL, 'w'},                             \
	{"vmlinux", required_argument, NULL, KA_TOPT_VMLINUX},                 \
	{"release", required_argument, NULL, KA_TOPT_RELEASE},                 \
	{"debug-root", required_argument, NULL, KA_TOPT_DEBUG_ROOT},           \
	{"max-depth", required_argument, NULL, KA_TOPT_MAX_DEPTH}
#define KA_TREE_HELP                                                           \
	"Kernel side:\n"                                                       \
	"      --release VER      Debian's layout: /usr/lib/debug/boot/vmlinux-VER,\n" \
	"                         /usr/lib/debug/lib/modules/VER/kernel and\n"  \
	"                         /usr/src/linux-headers-VER/Module.symvers\n"  \
	"  -k, --kernel DIR       kernel build directory: Module.symvers, vmlinux.o\n" \
	"                         or vmlinux, and the modules under DIR\n"      \
	"      --vmlinux FILE     kernel image linked with relocations (debug\n" \
	"                         vmlinux, or vmlinux.o)\n"                     \
	"  -m, --modules PATH     module file or directory (repeatable)\n"      \
	"  -s, --symvers FILE     a Module.symvers (repeatable)\n"              \
	"      --debug-root DIR   separate debug files: DIR + the module's path\n" \
	"                         (default /usr/lib/debug)\n"                   \
	"  -t, --threads N        files processed in parallel (default: CPUs)\n" \
	"      --max-depth N      export-wrapper/explain walk depth (default 3)\n" \
	"  -w, --waivers FILE     also read waivers from FILE (repeatable)\n"

/* Handles one of KA_TREE_LONGOPTS: 1 handled, 0 not one, -1 bad value. */
int ka_tree_cli_opt(struct ka_tree_cli *cli, struct ka_run *run, int opt,
		    const char *arg);
void ka_tree_cli_free(struct ka_tree_cli *cli);
/*
 * Parses the command line of tree or explain (cmd names it in messages):
 * kernel-side options into cli, output options into o. Returns -1 when the
 * command goes on (optind is at the first operand), else the exit status to
 * return at once (help printed, or a usage error reported).
 */
int ka_tree_cli_parse(const char *cmd, int argc, char *argv[],
		      void (*help)(FILE *out), struct ka_tree_cli *cli,
		      struct ka_run *run, struct ka_output_opts *o);
/* Progress callback for ka_tree_opts: "ksymaudit: CMD: done/total files". */
void ka_tree_progress(unsigned done, unsigned total, void *cmd);
/*
 * Loads exports (symvers, the image's and every module's ELF tables),
 * finds the module files and the waivers. Returns 0 or a negative errno.
 */
int ka_tree_inputs_setup(struct ka_run *run, struct ka_tree_cli *cli,
			 struct ka_tree_opts *o);

/* Finds the debug file Debian installs for a file, or NULL (owned). */
char *ka_debug_file_for(const char *path, const char *debug_root);
