/*
 * Kernel facts: what the whole-kernel walk (src/model/tree-pass.c) learns
 * of a kernel, in the one shape each fact has wherever it goes: gathered
 * per file and merged by the walk, stored by the fact cache
 * (src/model/cache-codec.c), written by `tree -j` (src/emit/json.c) and
 * read back for diff (src/readers/report.c), judged by the checks, and
 * carried by the findings that report them (findings.h: an inline's
 * GPL-only symbols, a wrapper's targets). Plain data; the free and clear
 * functions here (src/util/facts.c) accept NULL and a zeroed object and
 * leave what they clear zeroed, so calling them twice is harmless.
 */
#pragma once

#include "ksymaudit/common.h"

/* How an export is exported (the table or macro it comes from). */
enum ka_export_type {
	KA_EXPORT_PLAIN,      /* EXPORT_SYMBOL */
	KA_EXPORT_GPL,        /* EXPORT_SYMBOL_GPL */
	KA_EXPORT_GPL_FUTURE, /* EXPORT_SYMBOL_GPL_FUTURE (until 5.12) */
	KA_EXPORT_UNUSED,     /* EXPORT_UNUSED_SYMBOL (until 5.12) */
	KA_EXPORT_UNUSED_GPL, /* EXPORT_UNUSED_SYMBOL_GPL (until 5.12) */
};

/* How a site refers to a symbol. */
enum ka_ref_kind {
	KA_REF_CALL,        /* call or jump instruction */
	KA_REF_CODE,        /* other reference from code (address, load) */
	KA_REF_STATIC_KEY,  /* __jump_table entry */
	KA_REF_STATIC_CALL, /* .static_call_sites entry */
	KA_REF_EXTABLE,     /* __ex_table entry */
	KA_REF_ALTINSTR,    /* .altinstructions entry */
	KA_REF_BUG,         /* __bug_table entry */
	KA_REF_ANNEX,       /* another table that patches code */
	KA_REF_DATA,        /* from data: a pointer stored in an object */
};
const char *ka_ref_kind_name(enum ka_ref_kind k);

/* One inlined function, innermost first in a chain. */
struct ka_inline_frame {
	char *function;
	char *decl_file;
	unsigned decl_line;
	char *call_file; /* where it was inlined */
	unsigned call_line;
};

/* One place that references a symbol. */
struct ka_site {
	char *function; /* containing (out-of-line) function or data object */
	char *file;     /* source file of the reference, NULL when unknown */
	unsigned line;
	enum ka_ref_kind kind;
	char *section;  /* ELF section of the reference */
	uint64_t offset; /* offset in that section */
	struct ka_inline_frame *chain; /* innermost first; empty: direct */
	size_t n_chain;
	bool has_debuginfo; /* false: function from the symbol table only */
};
void ka_inline_chain_push(struct ka_site *s, const char *function,
			  const char *decl_file, unsigned decl_line,
			  const char *call_file, unsigned call_line);
/* Frees what s owns; NULL or zeroed: nothing; leaves *s zeroed. */
void ka_site_clear(struct ka_site *s);
/* Deep copy of from into to (to is overwritten, not cleared). */
void ka_site_copy(struct ka_site *to, const struct ka_site *from);
/*
 * A site in the binary encoding of blob.h (the fact cache, worker
 * processes): ka_site_get reads what ka_site_put wrote into s (zeroed),
 * setting b->bad on an unknown kind (a NULL function or section is
 * read as NULL: the caller decides whether it may be).
 */
struct ka_wbuf;
struct ka_rbuf;
void ka_site_put(struct ka_wbuf *b, const struct ka_site *s);
void ka_site_get(struct ka_rbuf *b, struct ka_site *s);

/* One step of a reference path (export-wrapper, explain). */
struct ka_path_step {
	char *symbol;
	enum ka_ref_kind kind; /* how the previous step reaches this one */
};

/* ---- header inlines that reach GPL-only exports (inline-exposure) ---- */

/* One GPL-only export that instances of a header inline reference. */
struct ka_inline_sym {
	char *symbol;
	unsigned instances; /* distinct instances of the inline carrying it */
	unsigned by_param;  /* ... where a formal parameter names it */
	struct strvec via;  /* inner inlines on the way, sorted */
	/* The verdict, set once the build's facts are complete (ka_tree_run,
	 * by ka_inline_sym_own()) or as a report states it: */
	bool own;           /* the inline's own reference, not its callers' */
	unsigned inline_instances; /* all instances of the inline, never
				      fewer than instances */
};
/* The instances that carry y without a formal parameter naming it. */
static inline unsigned
ka_inline_sym_own_instances(const struct ka_inline_sym *y)
{
	return y->instances - y->by_param;
}
/* Frees what y owns; NULL or zeroed: nothing; leaves *y zeroed. */
void ka_inline_sym_clear(struct ka_inline_sym *y);
/* Deep copy of from into to (to is overwritten, not cleared). */
void ka_inline_sym_copy(struct ka_inline_sym *to,
			const struct ka_inline_sym *from);

/* A header inline that reaches GPL-only exports. */
struct ka_inline_use {
	char *function, *decl_file;
	unsigned decl_line;
	struct ka_inline_sym *syms; /* per symbol, sorted by symbol */
	size_t n_syms, cap_syms;
	struct strvec inner;       /* inner inlines on the way, sorted */
	unsigned instances;        /* instances carrying any of syms */
	unsigned inline_instances; /* all its instances in the build */
	char *example_file;        /* one instance, in the kernel sources */
	unsigned example_line;
	char *example_object;      /* the object file it was seen in */
	char *example_function;
};
/* u's entry for symbol, or NULL. */
const struct ka_inline_sym *ka_inline_use_find(const struct ka_inline_use *u,
					       const char *symbol);
/* Frees u and what it owns; NULL: nothing. */
void ka_inline_use_free(struct ka_inline_use *u);

/* ---- export wrappers (export-wrapper) ---- */

/* A GPL-only export a wrapper reaches, with its own shortest path. */
struct ka_wrapper_target {
	char *symbol;
	struct ka_path_step *steps; /* from the first step after the export */
	size_t n_steps;
};
/* Appends a step (symbol copied). */
void ka_wrapper_target_step(struct ka_wrapper_target *t, const char *symbol,
			    enum ka_ref_kind kind);
/* Frees what t owns; NULL or zeroed: nothing; leaves *t zeroed. */
void ka_wrapper_target_clear(struct ka_wrapper_target *t);
/* Deep copy of from into to (to is overwritten, not cleared). */
void ka_wrapper_target_copy(struct ka_wrapper_target *to,
			    const struct ka_wrapper_target *from);

/* A non-GPL export that reaches GPL-only exports, as the walk saw it. */
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
	 * shortest path. */
	struct ka_wrapper_target *targets;
	size_t n_targets;
};
/* Frees what w owns; NULL or zeroed: nothing; leaves *w zeroed. */
void ka_wrapper_fact_clear(struct ka_wrapper_fact *w);

/* ---- reach of unexported functions (export-door) ---- */

/*
 * An unexported function that exports reach through unexported code,
 * within the walk depth: one GPL-only export that reaches it (NULL when
 * none does) and the shortest path from a non-GPL export (empty when none
 * does; the export first, the function last).
 */
struct ka_reach_fact {
	char *owner;    /* "vmlinux" or the module's name */
	char *function;
	char *gpl_export;
	struct strvec plain_path;
};
/* Frees what x owns; NULL or zeroed: nothing; leaves *x zeroed. */
void ka_reach_fact_clear(struct ka_reach_fact *x);

/* ---- explain SYMBOL ---- */

/* A path from a non-GPL export to the explained symbol. */
struct ka_explain_path {
	char *object;               /* vmlinux or module */
	struct ka_path_step *steps; /* from the export to SYMBOL */
	size_t n_steps;
};
/* Frees what p owns; NULL or zeroed: nothing; leaves *p zeroed. */
void ka_explain_path_clear(struct ka_explain_path *p);

/* ---- the facts of a kernel (or of one of its files) ---- */

struct ka_kfacts {
	struct ka_inline_use **uses; /* sorted by ka_kfacts_sort() */
	size_t n_uses, cap_uses;
	struct ka_wrapper_fact *wrappers;
	size_t n_wrappers, cap_wrappers;
	struct ka_reach_fact *reach; /* sorted, merged */
	size_t n_reach, cap_reach;
	struct ka_explain_path *paths;
	size_t n_paths, cap_paths;
	unsigned max_depth; /* depth of the reach walk */
};
/* NULL or zeroed: nothing; leaves *f zeroed. */
void ka_kfacts_free(struct ka_kfacts *f);
/* Sorts uses (decl_file, line, function) and reach (owner, function). */
void ka_kfacts_sort(struct ka_kfacts *f);
