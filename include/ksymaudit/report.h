/*
 * A kernel side as plain facts, as `tree -j` writes it and `diff` reads it
 * back: the export table, the tree findings, the header inlines that reach
 * GPL-only exports and the reachability of unexported functions from
 * exports (for export-door), in the shapes of facts.h. The reader
 * (src/readers/report.c) checks the type of every field it reads: reports
 * come from CI artifacts.
 */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/exports.h"
#include "ksymaudit/facts.h"
#include "ksymaudit/findings.h"

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
	struct ka_kfacts facts; /* uses and reach (no wrappers, no paths) */
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
