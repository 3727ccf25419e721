/*
 * A kernel side as plain facts, as `tree -j` writes it and `diff` reads it
 * back: the export table, the tree findings, the header inlines that reach
 * GPL-only exports and the reachability of unexported functions from
 * exports (for export-door). The reader (src/readers/report.c) checks the
 * type of every field it reads: reports come from CI artifacts.
 */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/exports.h"
#include "ksymaudit/findings.h"

/* A header inline whose instances reference GPL-only exports. */
struct ka_inline_fact {
	char *function;
	char *decl_file;
	unsigned decl_line;
	struct strvec gpl_symbols; /* sorted, unique */
	unsigned *gpl_instances;   /* per gpl_symbols entry: the instances
				      that carry it on their own, 0 when
				      callers hand it in (NULL: unknown) */
	unsigned instances;        /* all the inline's instances */
};
/*
 * True when gpl_symbols[i] is one the inline reaches by itself, as
 * inline-exposure's evidence judges it (not where callers hand it in, as
 * the keys of arch_static_branch()). Unknown counts: true.
 */
bool ka_inline_fact_intrinsic(const struct ka_inline_fact *f, size_t i);

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

struct ka_kfacts {
	struct ka_inline_fact *inlines;
	size_t n_inlines, cap_inlines;
	struct ka_reach_fact *reach;
	size_t n_reach, cap_reach;
	unsigned max_depth; /* depth of the reach walk */
};

/* NULL or zeroed: nothing; leaves *f zeroed. */
void ka_kfacts_free(struct ka_kfacts *f);
/* Sorts inlines (decl_file, line, function) and reach (owner, function). */
void ka_kfacts_sort(struct ka_kfacts *f);

/* An input of the run that wrote the report. */
struct ka_report_input {
	char *path, *kind;
	bool ok;
};

/* A report of `tree -j`, read back. */
struct ka_report {
	char *path;
	/* What the report says of its own run: its inputs and input
	 * problems (the "inputs" and "errors" keys, when present). */
	struct ka_report_input *inputs;
	size_t n_inputs, cap_inputs;
	struct ka_diags errors;
	struct ka_exportdb exports;
	struct ka_findings findings;
	struct ka_kfacts facts;
	struct strvec check_ids; /* owns the findings' check strings */
};

/*
 * Reads the JSON report at path into r (zeroed first). Every field is
 * type-checked; a report that is not a `tree` report of a known schema, or
 * lacks the export table, is refused. Problems go to diags as fatal
 * "PATH: what" entries. Returns 0 or a negative errno.
 */
int ka_report_read(const char *path, struct ka_report *r,
		   struct ka_diags *diags) KA_NONNULL(1, 2, 3);
/* The same from a buffer (path is used in messages); for tests and fuzzing. */
int ka_report_parse(const char *path, const char *buf, size_t len,
		    struct ka_report *r, struct ka_diags *diags);
/* NULL or zeroed: nothing; leaves *r zeroed. ka_report_read() and
 * ka_report_parse() leave *r safe to free whatever they return. */
void ka_report_free(struct ka_report *r);
