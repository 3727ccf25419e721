/*
 * A kernel side from its spec to its facts, and the two sides of a diff:
 * the run sequence every command that walks a kernel shares (rules and
 * waivers, the layout, the walk with its cache, what runs on the facts).
 * src/model/kernel-side.c, src/model/diff-run.c; the Debian layout and
 * the module operands in src/model/layout.c and operands.c.
 *
 * Only cmd/ prints and the checks are a layer above the model: the
 * command hooks in its progress, notes and checks through the fields
 * marked "hook".
 */
#pragma once

#include <stdio.h>
#include <sys/types.h>

#include "ksymaudit/cache.h"
#include "ksymaudit/report.h"
#include "ksymaudit/tree.h"

struct ka_side {
	const char *label;          /* names it in progress: "tree", "diff OLD" */
	struct ka_tree_inputs spec; /* what names the kernel (owned) */
	struct ka_run *run;         /* the run it reads into (borrowed) */
	struct ka_tree_opts topts;  /* the pass: checks, explain, reach */
	struct ka_tree_result res;  /* its facts, once walked */
	bool ready;                 /* rules and inputs read */
	bool walked;
	struct ka_cache *cache;     /* open from ka_side_open to the walk's end */
	char *cache_dir;
	/* hook: after each file (any thread, under a lock), or NULL */
	void (*progress)(unsigned done, unsigned total, unsigned cached,
			 void *arg);
	/* hook: a note for the user (a cache that cannot be used, ...) */
	void (*note)(const char *msg, void *arg);
	/* hook: the walk is done (its cache closed), or NULL */
	void (*walked_hook)(const struct ka_side *s,
			    const struct ka_cache_stats *st, void *arg);
	/* hook: what runs on the facts (the kernel checks), or NULL */
	void (*facts)(struct ka_run *run, const struct ka_tree_result *res);
	void *arg;
};

/*
 * A side starts zeroed but for label, spec, run, topts' choices and the
 * hooks; ka_side_free() releases it whatever ran.
 *
 * Loads the rules and waivers into s->run (ka_run_load_rules), resolves
 * and reads s->spec (ka_tree_inputs_setup) and opens the cache the run's
 * options name. Returns 0, or a negative errno (problems in run->diags).
 */
int ka_side_open(struct ka_side *s);
/* True when s is open with a cache that holds its kernel image's facts. */
bool ka_side_cached(const struct ka_side *s);
/* Walks an open s, closes its cache, then runs the facts hook. */
void ka_side_walk(struct ka_side *s);
/* Closes s's cache without a walk (notes to the note hook). */
void ka_side_close_cache(struct ka_side *s);
/* ka_side_open then ka_side_walk: tree and explain. */
int ka_side_run(struct ka_side *s);
/* NULL or zeroed: nothing; leaves *s zeroed (s->run is borrowed). */
void ka_side_free(struct ka_side *s);

/* One side of a diff: a `tree -j` report, or a kernel walked for it. It
 * starts zeroed but for operand, by_options and k's spec;
 * ka_diff_side_free() releases it whatever ran. */
struct ka_diff_side {
	const char *name;       /* "OLD", "NEW" */
	const char *operand;    /* its positional argument, or NULL */
	bool by_options;        /* a --old-X/--new-X option names it */
	struct ka_side k;       /* the kernel: spec and hooks set by the caller */
	struct ka_run run;      /* the run k reads into */
	struct ka_report rep;   /* its facts, after ka_diff_sides_load */
	char *label;            /* names it in messages and in rep.path */
	char walk_label[16];
	pid_t child;            /* walking in a child process, or 0 */
	char *child_report;     /* the report the child writes */
};
/*
 * Reads or walks both sides into their reports for run (a diff or an
 * upgrade): a side whose operand is a file is a report, any other side a
 * kernel, walked with run's options. When both are kernels, OLD is walked
 * in a child process at the same time as NEW here (unless OLD's kernel
 * image is in the cache), which writes its run with write_report (a
 * `tree -j` report) for this process to read. Every side's inputs and
 * problems are added to run. Returns 0, or -1 when run has fatal problems.
 */
int ka_diff_sides_load(struct ka_run *run, struct ka_diff_side *old,
		       struct ka_diff_side *nw,
		       int (*write_report)(FILE *out, const struct ka_run *r));
/* NULL or zeroed: nothing; leaves *s zeroed. */
void ka_diff_side_free(struct ka_diff_side *s);

/* ---- Debian's layout of a release (src/model/layout.c) ---- */

/* What of a release's layout ka_layout_find() looks for. */
enum ka_layout_file {
	KA_LAYOUT_SYMVERS, /* the headers' Module.symvers */
	KA_LAYOUT_VMLINUX, /* a debug vmlinux */
};
/*
 * The first file of the kind that exists for release rel under root
 * (NULL or "/": the system), owned; NULL when none. *first, when not
 * NULL, gets the first candidate (owned) for a message.
 */
char *ka_layout_find(const char *root, const char *rel,
		     enum ka_layout_file what, char **first);
/*
 * The kernel build or headers directory of check: of the release the
 * modules' vermagic names, else release (NULL: the running kernel's); the
 * first with a Module.symvers, owned, or NULL.
 */
char *ka_layout_kernel_dir(const struct ka_run *run, const char *root,
			   const char *release);
/*
 * The out-of-tree modules of release rel under root: updates/ and extra/
 * of its module tree, then DKMS's tree (dkms, NULL: ROOT/var/lib/dkms),
 * a name only once. Appends paths to out; problems go to run->diags.
 */
void ka_layout_oot_modules(struct ka_run *run, const char *root,
			   const char *rel, const char *dkms,
			   struct strvec *out);

/* ---- Module operands (src/model/operands.c) ---- */

/*
 * The module operands of check and upgrade: paths as they are, plain words
 * (no '/', no such file) as module names looked up with their dependencies
 * in the depmod indexes of release (default: the running kernel's) under
 * root (NULL: /). Appends paths to out; unknown names are input errors,
 * built-in ones notes.
 */
void ka_module_operands(struct ka_run *run, char *const *args, size_t n,
			const char *root, const char *release,
			struct strvec *out);
