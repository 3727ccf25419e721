/*
 * The checks: one file each, each described by one const descriptor. The
 * descriptors are the single source for finding severities, SARIF rules,
 * the "Checks:" paragraph of --help and the man-page test.
 */
#pragma once

#include "ksymaudit/diff.h"
#include "ksymaudit/tree.h"
#include "ksymaudit/run.h"

/* Which command runs a check. */
enum ka_check_scope {
	KA_SCOPE_MODULE,  /* check: once per audited module */
	KA_SCOPE_KERNEL,  /* tree: once per run, from the tree pass's facts */
	KA_SCOPE_EXPLAIN, /* explain: notes about one symbol */
	KA_SCOPE_RUN,     /* any command (waiver-unused) */
	KA_SCOPE_DIFF,    /* diff: once per run, from both kernel sides */
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
	/* KA_SCOPE_MODULE: called once with all audited modules, for a rule
	 * that spans them (the loader's taint). */
	void (*run_modules)(struct ka_run *run);
	/* KA_SCOPE_KERNEL: called once after the tree pass (res may be NULL
	 * when no file was walked). */
	void (*run_kernel)(struct ka_run *run, const struct ka_tree_result *res);
	/* diff: called once with both sides (tree checks report what
	 * appeared, disappeared or changed between them). */
	void (*run_diff)(struct ka_run *run, const struct ka_diff *d);
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
extern const struct ka_check ka_check_export_license;
extern const struct ka_check ka_check_export_door;
extern const struct ka_check ka_check_module_breaks;
extern const struct ka_check ka_check_symbol_get;

/* Every check, NULL-terminated, in the order they run. */
extern const struct ka_check *const ka_checks[];
/* The descriptor of a check id, or NULL. */
const struct ka_check *ka_check_find(const char *id);
/* Runs the checks of a scope (module: for every module of the run). */
void ka_checks_run_modules(struct ka_run *run);
void ka_checks_run_kernel(struct ka_run *run, const struct ka_tree_result *res);
void ka_checks_run_diff(struct ka_run *run, const struct ka_diff *d);

/*
 * diff, for a check that tree runs: its findings of NEW that OLD does not
 * have (change new), of OLD that NEW does not have (gone, as notes), and
 * those whose identity (ka_finding_fingerprint) is kept but whose message
 * changed, or whose module and symbol are kept but path changed (changed).
 */
/*
 * The namespace side of modpost's verdict: true when m may use an export
 * in namespace ns (none, imported, or a module list that names m's file;
 * see namespace-not-imported for the loader's side).
 */
bool ka_module_ns_ok(const struct ka_module *m, const char *ns);

/* "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL in namespace NS", "EXPORT_SYMBOL_GPL
 * for modules kvm,kvm-amd" (a module list); NULL for NULL. */
char *ka_export_describe(const struct ka_export *e);

void ka_diff_tree_changes(struct ka_run *run, const struct ka_diff *d,
			  const char *check);

/* The license a module is audited with: --license, else its own. */
bool ka_module_is_gpl_compatible(const struct ka_run *run,
				 const struct ka_module *m);
/* True when the module has any license at all (or --license is given). */
bool ka_module_has_license(const struct ka_run *run, const struct ka_module *m);

/* explain SYMBOL: explain-export and explain-inline notes from res. */
void ka_explain_report(struct ka_run *run, const struct ka_tree_result *res,
		       const char *symbol);

/*
 * Marks findings matched by a waiver (finding->waived_by = its reason) and
 * adds a waiver-unused finding for each waiver of a check that ran
 * (rules->active_checks) that matched nothing.
 */
void ka_waivers_apply(struct ka_rules *r, struct ka_findings *f);

/* A kernel version from a release string ("6.1.0-57-amd64" -> 6.1). */
struct ka_kver {
	int major, minor;
	bool known;
};
struct ka_kver ka_kver_parse(const char *release);
/* v >= major.minor; an unknown version counts as a current kernel. */
bool ka_kver_at_least(struct ka_kver v, int major, int minor);
/*
 * The version m's vermagic names; without vermagic (a module .o) the
 * kernel side's release; else unknown.
 */
struct ka_kver ka_module_kver(const struct ka_run *run,
			      const struct ka_module *m);
/*
 * modpost's wording for m: since 7.3 (scripts/mod/modpost.c's mod_error())
 * every message about a module starts with "NAME.ko: " and quotes symbols
 * and namespaces ("GPL-incompatible module uses GPL-only symbol 'x'");
 * before, the name sat inside ("GPL-incompatible module NAME.ko uses ...").
 * True for a known version 7.3 or later only: an unknown one keeps the
 * older words, so that a report does not change with what is unknown.
 */
bool ka_modpost_words_7_3(const struct ka_run *run, const struct ka_module *m);

/*
 * The module loader's rules that modpost does not apply
 * (kernel/module/main.c). Exports resolve to a module of the run first,
 * then to kernel (NULL: run->exports alone).
 */
const struct ka_export *ka_loader_find(const struct ka_run *run,
				       const struct ka_exportdb *kernel,
				       const char *name);
/* TAINT_PROPRIETARY_MODULE of a module once loaded. */
struct ka_taint {
	bool tainted;
	bool own;                     /* its own license is not GPL-compatible */
	const struct ka_module *from; /* inherited: the owner, and */
	const char *symbol;           /* the first symbol that passed it on */
};
/*
 * The taint of every module of run (run->modules order; owned by the
 * caller): its own license, or inherited through imports from a tainted
 * module (5.9+, by the module's vermagic), to a fixed point.
 */
struct ka_taint *ka_loader_taints(const struct ka_run *run,
				  const struct ka_exportdb *kernel);
/*
 * Why the loader refuses m: it inherited the taint and uses GPL-only
 * symbols too. The reason in the kernel's words (owned), or NULL.
 */
char *ka_loader_refusal(const struct ka_run *run,
			const struct ka_exportdb *kernel,
			const struct ka_taint *t, const struct ka_module *m);

/*
 * symbol-get: why symbol_get(sym) in m returns NULL against kernel (NULL:
 * run->exports), owned, or NULL when it works; and its finding.
 */
char *ka_symbol_get_failure(const struct ka_run *run,
			    const struct ka_exportdb *kernel,
			    const struct ka_module *m, const char *sym);
struct ka_finding *ka_symbol_get_finding(struct ka_run *run,
					 const struct ka_module *m,
					 const char *sym, const char *failure);
