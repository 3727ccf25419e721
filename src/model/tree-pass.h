/*
 * The tree pass's two halves (src/model/ only): tree-pass.c learns the
 * facts of one file and merges them into the build's; tree-run.c runs
 * the files as jobs (in worker processes, or in the caller with one
 * thread) and keeps the cache.
 */
#pragma once

#include "ksymaudit/elffile.h"
#include "ksymaudit/run.h"
#include "ksymaudit/tree.h"

struct ka_tree_pass {
	struct ka_run *run;
	const struct ka_tree_opts *o;
};

/*
 * Everything the pass learns from one opened file (path, owned by owner:
 * "vmlinux" or a module name), as plain data in f (object paths are the
 * file's path): the one boundary between walking a file and keeping its
 * facts, so that src/model/cache.c can store them and hand them back for
 * a file with the same contents, and a worker process can send them.
 */
void ka_tree_walk_file(const struct ka_tree_pass *tp, const char *path,
		       struct ka_elf *e, const char *owner,
		       struct ka_file_facts *f);
/* Adds f's facts to res (f->r is emptied; f->diags is left to the caller). */
void ka_tree_merge_facts(struct ka_tree_result *res, struct ka_file_facts *f);
/* Once every file is merged: sorted, counted, stable output. */
void ka_tree_result_finish(struct ka_tree_result *res);

/* The summary entry of one header inline in res (a file's or the build's). */
struct ka_inline_use *ka_inline_use_get(struct ka_tree_result *res,
					const char *fn, const char *decl,
					unsigned line);
/* The use's entry for symbol: its index in u->syms (which may move). */
size_t ka_inline_use_sym(struct ka_inline_use *u, const char *symbol);
/*
 * Makes this instance the use's example if it is the first by (object,
 * file, line, function), so that the example does not depend on which
 * file was merged first.
 */
void ka_inline_use_example(struct ka_inline_use *u, const char *object,
			   const char *file, unsigned line,
			   const char *function);
