/*
 * The whole-kernel pass of tree, explain and diff (src/model/tree-pass.c) and
 * what it gathers for the checks: header inlines that reach GPL-only
 * exports, export wrappers, explain paths and reach facts; and the
 * kernel-side inputs it reads (src/model/kernel-tree.c). The reference
 * graph it walks is src/model/graph.h, private to the model.
 */
#pragma once

#include <pthread.h>

#include "ksymaudit/common.h"
#include "ksymaudit/dwarf.h" /* inline_counts hold struct ka_inline_count */
#include "ksymaudit/exports.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/hashmap.h"
#include "ksymaudit/report.h"
#include "ksymaudit/run.h"

/* How much further than max_depth non-GPL exports are followed when
 * reach facts are gathered (src/model/reach.c, for export-door). */
#define KA_REACH_SLACK 2

/* ---- The whole-kernel pass (src/model/tree-pass.c) ---- */

/* What a tree run looks at. */
struct ka_tree_opts {
	const char *vmlinux;       /* kernel image with relocations, or NULL */
	struct strvec modules;     /* module files */
	const char *debug_root;    /* e.g. /usr/lib/debug, or NULL */
	bool checks;               /* run the tree checks */
	const char *explain;       /* explain this symbol, or NULL */
	bool reach;                /* gather reach facts (export-door) */
	/* Facts of files seen before, by contents (src/model/cache.c), or
	 * NULL: every file is walked. */
	struct ka_cache *cache;
	/* Called after each file (from any thread, under a lock); cached: how
	 * many of the done files came from the cache. */
	void (*progress)(unsigned done, unsigned total, unsigned cached,
			 void *arg);
	void *progress_arg;
};

/* One GPL-only export that instances of a header inline reference. */
struct ka_inline_sym {
	char *symbol;
	unsigned instances; /* distinct instances of the inline carrying it */
	unsigned by_param;  /* ... where a formal parameter names it */
	struct strvec via;  /* inner inlines on the way, sorted */
};

/* A header inline that reaches GPL-only exports (inline-exposure). */
struct ka_inline_use {
	char *function, *decl_file;
	unsigned decl_line;
	struct strvec gpl_symbols; /* sorted, unique */
	struct strvec inner;       /* inner inlines on the way, sorted */
	unsigned instances;        /* instances carrying any of them */
	unsigned inline_instances; /* all its instances in the build */
	struct ka_inline_sym *syms; /* per symbol, sorted by symbol */
	size_t n_syms, cap_syms;
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

/* A non-GPL export that reaches GPL-only exports, as the tree pass saw it. */
struct ka_wrapper_fact {
	char *object;   /* the file it was found in (vmlinux or a module) */
	char *owner;    /* "vmlinux" or the module's name */
	char *symbol;   /* the export */
	enum ka_export_type type;
	uint64_t size;  /* its code bytes (st_size) */
	/* Shortest path to a GPL-only export: one step and one attributed
	 * site (the reference's place in the code) per edge. */
	struct ka_path_step *steps;
	struct ka_site *sites;
	size_t n_steps;
	struct strvec reached; /* every GPL-only export within the depth */
	/* Every GPL-only export reached, sorted by name, each with its own
	 * shortest path (steps after the export). */
	struct ka_wrapper_target {
		char *symbol;
		struct ka_path_step *steps;
		size_t n_steps;
	} *targets;
	size_t n_targets;
};

struct ka_tree_result {
	pthread_mutex_t lock;
	struct hashmap inlines;   /* "function\tdecl_file:line" -> use */
	/* ka_inline_key -> instances of every header inline, whole build */
	struct hashmap inline_counts;
	struct ka_inline_use **uses;
	size_t n_uses, cap_uses;
	struct ka_explain_path *paths;
	size_t n_paths, cap_paths;
	unsigned files_done, files_total;
	unsigned files_cached; /* of files_done: facts from the cache */
	struct ka_wrapper_fact *wrappers;
	size_t n_wrappers, cap_wrappers;
	struct ka_reach_fact *reach; /* when opts.reach: sorted, merged */
	size_t n_reach, cap_reach;
};

/*
 * What the pass keeps of one file: the facts it adds to the build's (the
 * fields of a ka_tree_result that one file fills: uses, inline_counts,
 * paths, wrappers, reach) and its input problems. Plain data; object paths
 * in it are the file's path and owners its owner.
 */
struct ka_file_facts {
	struct ka_tree_result r;
	struct ka_diags diags;
};
void ka_file_facts_init(struct ka_file_facts *f);
void ka_file_facts_free(struct ka_file_facts *f);

/*
 * Runs over vmlinux and every module, in parallel, gathering facts into res:
 * header inlines that reach GPL-only exports, export wrappers, explain
 * paths. Input problems go to run->diags. Returns 0 or a negative errno;
 * res is set up first, so ka_tree_result_free() releases it after any
 * return.
 */
int ka_tree_run(struct ka_run *run, const struct ka_tree_opts *o,
		struct ka_tree_result *res);
/* NULL or zeroed: nothing; leaves *res zeroed (so it may run twice). */
void ka_tree_result_free(struct ka_tree_result *res);
/*
 * True when symbol y is the header inline u's own reference (not its
 * callers'): at least 80% of u's instances in the build carry it without
 * a formal parameter naming it. inline-exposure reports these pairs;
 * export-wrapper weighs targets a header inline already exposes less.
 */
bool ka_inline_sym_own(const struct ka_inline_use *u,
		       const struct ka_inline_sym *y);

/* ---- Kernel-side inputs of tree and explain (src/model/kernel-tree.c) ---- */

/*
 * A kernel side as the command line names it (a spec): a build directory,
 * files, or a release in Debian's layout, under / or an unpacked root.
 * ka_tree_inputs_setup() resolves the layout (src/model/layout.c) and
 * reads it.
 */
struct ka_tree_inputs {
	const char *kernel;        /* kernel build directory, or NULL */
	const char *vmlinux;       /* kernel image file, or NULL */
	const char *release;       /* Debian's debug layout for VER, or NULL */
	const char *root;          /* ... under this directory; NULL: / */
	struct strvec module_dirs; /* module files or directories */
	struct strvec symvers;     /* Module.symvers files */
	char *owned_vmlinux;
};
/* NULL or zeroed: nothing; leaves *in zeroed. */
void ka_tree_inputs_free(struct ka_tree_inputs *in);

/*
 * Resolves in's release (Debian's layout: the debug vmlinux, the debug
 * modules and the headers' Module.symvers of VER under in->root), for what
 * in does not name already.
 */
void ka_tree_inputs_resolve(struct ka_tree_inputs *in);
/*
 * Resolves in, then loads exports (symvers, the image's and every module's
 * ELF tables) and finds the module files; o gets the image, the modules
 * and run's debug root. Returns 0 or a negative errno.
 */
int ka_tree_inputs_setup(struct ka_run *run, struct ka_tree_inputs *in,
			 struct ka_tree_opts *o);
