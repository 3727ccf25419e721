/*
 * The context of one run of a command: options, the kernel side, the modules
 * under audit, input problems and findings. Passed everywhere; there is no
 * global state.
 */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/exports.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/module.h"
#include "ksymaudit/report.h"
#include "ksymaudit/rules.h"

struct ka_input {
	char *path;
	const char *kind; /* "module", "symvers", "vmlinux", "directory", … */
	bool ok;
};

struct ka_run {
	const char *command; /* "check", "tree", "explain" */
	struct ka_rules rules;
	struct ka_exportdb exports;
	struct ka_module **modules; /* audited modules (owned) */
	size_t n_modules, cap_modules;
	struct ka_input *inputs;
	size_t n_inputs, cap_inputs;
	struct ka_diags diags;
	struct ka_findings findings;

	/* The kernel image's ELF identity, when one was read. */
	bool have_kernel_machine;
	unsigned kernel_machine;
	unsigned char kernel_elfclass;  /* ELFCLASS32/64 */
	unsigned char kernel_byteorder; /* ELFDATA2LSB/MSB */
	char *kernel_image; /* its path */
	/* The kernel side's release (include/config/kernel.release of its
	 * tree), or NULL. */
	char *kernel_release;

	/*
	 * The options the model reads, set once by the command line (src/cmd/
	 * option tables); ka_run_inherit() hands them to another run.
	 */
	const char *argv0;            /* the rules are looked for beside it */
	const char *rules_dir;        /* -r/--rules, NULL: the default */
	struct strvec waiver_files;   /* -w/--waivers */
	unsigned threads;             /* -t/--threads, 0: one per CPU */
	const char *debug_root;       /* --debug-root, NULL: /usr/lib/debug */
	const char *cache_dir;        /* --cache-dir, NULL: the default */
	bool no_cache;                /* --no-cache */
	uint64_t cache_max;           /* --cache-size, 0: the default */
	const char *license_override; /* --license */
	bool explain;                 /* attribute sites (default on) */
	bool explain_all;             /* --explain-all */
	const char *debuginfo_dir;    /* --debuginfo */
	bool debuginfod;              /* --debuginfod */
	unsigned max_depth;           /* tree: export-wrapper depth */
	const char *explain_symbol;   /* tree --explain SYMBOL */
	/* tree -j: the kernel side as facts for diff (borrowed), or NULL. */
	const struct ka_kfacts *kfacts;
};

void ka_run_init(struct ka_run *run, const char *command);
/* NULL or zeroed: nothing; leaves *run zeroed. */
void ka_run_free(struct ka_run *run);
/* A fresh run for command with from's options for a kernel walk: rules,
 * threads, debug files, cache, depth (not waiver files nor --license). */
void ka_run_inherit(struct ka_run *run, const char *command,
		    const struct ka_run *from);
/*
 * Loads the rules (run->rules_dir, or the default location) and, when they
 * could be read, every waiver file of run->waiver_files. Problems go to
 * run->diags. Returns 0, or a negative errno when the rules could not be
 * read (no verdict is sound without the license list).
 */
int ka_run_load_rules(struct ka_run *run);
void ka_run_add_input(struct ka_run *run, const char *path, const char *kind,
		      bool ok);

/*
 * Loads the kernel side: a kernel build or headers dir (Module.symvers, and
 * vmlinux.o or vmlinux when present), extra symvers files, a vmlinux file.
 * Problems go to run->diags. Returns 0 when at least one source of exports
 * was read, else a negative errno.
 */
int ka_kernel_load(struct ka_run *run, const char *kernel_dir,
		   const struct strvec *symvers, const char *vmlinux);

/*
 * The module files path names, for every command: path itself when it is
 * not a directory (the reader reports what it is), else a recursive search
 * for .ko, .ko.xz, .ko.zst, .ko.gz and module .o files (a .o with a .mod
 * beside it and no .ko), sorted, following symbolic links, each directory
 * searched once. Appends to out; what is skipped is reported to diags.
 * Returns 0, or a negative errno when path itself cannot be read.
 */
int ka_modules_find(const char *path, struct strvec *out,
		    struct ka_diags *diags, bool *is_dir);
/* Adds the modules found by ka_modules_find(path) to run->modules. */
void ka_modules_collect(struct ka_run *run, const char *path);
