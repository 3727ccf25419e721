/*
 * The checks: one file each, each described by one const descriptor. The
 * descriptors are the single source for finding severities, SARIF rules,
 * the "Checks:" paragraph of --help and the man-page test.
 */
#pragma once

#include "ksymaudit/graph.h"
#include "ksymaudit/run.h"

/* Which command runs a check. */
enum ka_check_scope {
	KA_SCOPE_MODULE,  /* check: once per audited module */
	KA_SCOPE_KERNEL,  /* tree: once per run, from the tree pass's facts */
	KA_SCOPE_EXPLAIN, /* explain: notes about one symbol */
	KA_SCOPE_RUN,     /* any command (waiver-unused) */
};

struct ka_check {
	const char *id;
	enum ka_severity severity; /* default severity of its findings */
	enum ka_check_scope scope;
	const char *summary;     /* one line: --help, SARIF shortDescription */
	const char *description; /* a paragraph: SARIF fullDescription */
	const char *help;        /* what to do about a finding: SARIF help */
	/* KA_SCOPE_MODULE: called once per audited module. */
	void (*run_module)(struct ka_run *run, const struct ka_module *m);
	/* KA_SCOPE_KERNEL: called once after the tree pass (res may be NULL
	 * when no file was walked). */
	void (*run_kernel)(struct ka_run *run, const struct ka_tree_result *res);
};

extern const struct ka_check ka_check_gpl_only_use;
extern const struct ka_check ka_check_missing_license;
extern const struct ka_check ka_check_namespace_not_imported;
extern const struct ka_check ka_check_unresolved_symbol;
extern const struct ka_check ka_check_proprietary_import;
extern const struct ka_check ka_check_machine_mismatch;
extern const struct ka_check ka_check_gpl_only_import;
extern const struct ka_check ka_check_export_mismatch;
extern const struct ka_check ka_check_inline_exposure;
extern const struct ka_check ka_check_export_wrapper;
extern const struct ka_check ka_check_explain_export;
extern const struct ka_check ka_check_explain_inline;
extern const struct ka_check ka_check_waiver_unused;

/* Every check, NULL-terminated, in the order they run. */
extern const struct ka_check *const ka_checks[];
/* The descriptor of a check id, or NULL. */
const struct ka_check *ka_check_find(const char *id);
/* Runs the checks of a scope (module: for every module of the run). */
void ka_checks_run_modules(struct ka_run *run);
void ka_checks_run_kernel(struct ka_run *run, const struct ka_tree_result *res);

/* The license a module is audited with: --license, else its own. */
bool ka_module_is_gpl_compatible(const struct ka_run *run,
				 const struct ka_module *m);
/* True when the module has any license at all (or --license is given). */
bool ka_module_has_license(const struct ka_run *run, const struct ka_module *m);

/*
 * --explain-all: a gpl-only-import note per GPL-only import of every module
 * that is not already a gpl-only-use error (GPL modules included).
 */
void ka_gpl_only_import_notes(struct ka_run *run);

/* explain SYMBOL: explain-export and explain-inline notes from res. */
void ka_explain_report(struct ka_run *run, const struct ka_tree_result *res,
		       const char *symbol);

/*
 * Marks findings matched by a waiver (finding->waived_by = its reason) and
 * adds a waiver-unused finding for each waiver of a check that ran
 * (rules->active_checks) that matched nothing.
 */
void ka_waivers_apply(struct ka_rules *r, struct ka_findings *f);
