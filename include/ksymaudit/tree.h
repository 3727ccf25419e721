/*
 * The whole-kernel pass of tree, explain and diff (src/model/tree-pass.c) and
 * what it gathers for the checks: header inlines that reach GPL-only
 * exports, export wrappers, explain paths and reach facts; and the
 * kernel-side inputs it reads (src/model/kernel-tree.c). The reference
 * graph it walks is src/model/graph.h, private to the model.
 */
#pragma once


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
	/* Called in the calling process after each file, as its facts are
	 * merged; cached: how many of the done files came from the cache. */
	void (*progress)(unsigned done, unsigned total, unsigned cached,
			 void *arg);
	void *progress_arg;
};

/* What a tree pass gathers: the build's facts, and how it went. */
struct ka_tree_result {
	struct hashmap inlines;   /* "function\tdecl_file:line" -> use */
	/* ka_inline_key -> instances of every header inline, whole build */
	struct hashmap inline_counts;
	/* Header inlines (uses) and reach (when opts.reach) sorted, reach
	 * merged; wrappers; explain paths. */
	struct ka_kfacts facts;
	unsigned files_done, files_total;
	unsigned files_cached; /* of files_done: facts from the cache */
};

/*
 * What the pass keeps of one file: the facts it adds to the build's (the
 * fields of a ka_tree_result that one file fills: inline_counts and the
 * facts) and its input problems. Plain data; object paths in it are the
 * file's path and owners its owner. ka_file_facts_init() makes it empty;
 * ka_file_facts_free() accepts NULL and a zeroed object and leaves *f
 * zeroed (so it can be called twice).
 */
struct ka_file_facts {
	struct ka_tree_result r;
	struct ka_diags diags;
};
void ka_file_facts_init(struct ka_file_facts *f);
void ka_file_facts_free(struct ka_file_facts *f);

/*
 * Runs over vmlinux and every module, in parallel, gathering facts into res
 * (overwritten): header inlines that reach GPL-only exports with the
 * verdict of ka_inline_sym_own() on each symbol, export wrappers, explain
 * paths, reach. Input problems go to run->diags. Returns 0 or a negative
 * errno; res is safe to free either way.
 */
int ka_tree_run(struct ka_run *run, const struct ka_tree_opts *o,
		struct ka_tree_result *res);
/* NULL or zeroed: nothing; leaves *res zeroed (so it can be called twice). */
void ka_tree_result_free(struct ka_tree_result *res);
/*
 * True when symbol y is the header inline u's own reference (not its
 * callers'): at least 80% of u's instances in the build carry it without
 * a formal parameter naming it. ka_tree_run() stores it in y->own:
 * inline-exposure reports these pairs; export-wrapper weighs targets a
 * header inline already exposes less; diff's module-breaks reads it back
 * from a report.
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
