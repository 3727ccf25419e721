/*
 * Findings: what checks compute, as plain data. Emitters (text, JSON, SARIF)
 * turn them into output; no check prints anything itself.
 */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/facts.h"

enum ka_severity {
	KA_SEV_NOTE,
	KA_SEV_WARNING,
	KA_SEV_ERROR,
};
const char *ka_severity_name(enum ka_severity s);
bool ka_severity_parse(const char *s, enum ka_severity *out);

/* diff: how a finding relates OLD to NEW (KA_CHANGE_NONE outside diff). */
enum ka_change {
	KA_CHANGE_NONE,
	KA_CHANGE_NEW,     /* in NEW only */
	KA_CHANGE_GONE,    /* in OLD only */
	KA_CHANGE_CHANGED, /* in both, different */
};
/* "new", "gone", "changed"; NULL for KA_CHANGE_NONE. */
const char *ka_change_name(enum ka_change c);

/* A finding's state against a --baseline report (SARIF baselineState). */
enum ka_baseline_state {
	KA_BASELINE_NONE,      /* no baseline given */
	KA_BASELINE_NEW,       /* not in the baseline: counts for the exit status */
	KA_BASELINE_UNCHANGED, /* in the baseline: reported, never fails the run */
};
const char *ka_baseline_state_name(enum ka_baseline_state s);

struct ka_finding {
	const char *check; /* stable id, e.g. "gpl-only-use" (static string) */
	enum ka_severity severity;
	char *module;  /* module name, NULL when none applies */
	char *file;    /* the input the finding is about (module path, …) */
	unsigned line; /* 0 when none */
	char *symbol;  /* NULL when none applies */
	char *message;
	struct ka_site *sites;
	size_t n_sites, cap_sites;
	struct ka_path_step *path;
	size_t n_path, cap_path;
	unsigned count;      /* instances seen (inline-exposure), 0 if n/a */
	unsigned rank;       /* first sort key, lower first (0 by default);
				export-wrapper sets it so thin wrappers lead */
	char *note;          /* extra line for people, NULL when none */
	struct ka_inline_sym *gpl_symbols; /* inline-exposure, own ones */
	size_t n_gpl_symbols;
	struct ka_wrapper_target *targets; /* export-wrapper */
	size_t n_targets;
	double score;        /* ranking weight (export-wrapper), if has_score */
	bool has_score;
	const char *waived_by; /* reason of the waiver, NULL when not waived */
	enum ka_baseline_state baseline; /* set by ka_baseline_apply() */
	bool attribute;      /* sites to be found from the module's references
				to symbol (src/model/sites.c) */
	enum ka_change change; /* diff only */
	char *old_value;     /* export-license: the export in OLD and in NEW */
	char *new_value;     /* ("EXPORT_SYMBOL_GPL", …), NULL when absent */
};

struct ka_findings {
	struct ka_finding *v;
	size_t n, cap;
};

/* Appends a finding; strings are copied. Returns it for sites/paths. */
struct ka_finding *ka_finding_add(struct ka_findings *f, const char *check,
				  enum ka_severity sev, const char *module,
				  const char *file, const char *symbol,
				  const char *fmt, ...) KA_PRINTF(7, 8);
struct ka_site *ka_finding_add_site(struct ka_finding *f);
void ka_finding_add_step(struct ka_finding *f, const char *symbol,
			 enum ka_ref_kind kind);
/* Appends a copy of an inline's GPL-only symbol (inline-exposure). */
struct ka_inline_sym *ka_finding_add_symbol(struct ka_finding *f,
					    const struct ka_inline_sym *y);
/* Appends a copy of a wrapper's target (export-wrapper). */
struct ka_wrapper_target *ka_finding_add_target(
	struct ka_finding *f, const struct ka_wrapper_target *t);
/*
 * Appends a deep copy of src to dst and returns it: every field a check
 * sets (sites, path, gpl_symbols, targets, score, …), not what the run
 * sets later (waiver, baseline state, change). The check id is shared.
 */
struct ka_finding *ka_finding_copy(struct ka_findings *dst,
				   const struct ka_finding *src);
/*
 * A finding's identity across runs and builds, for baselines and diff:
 * 16 hex digits over the check id, module, symbol, the path's symbols and
 * the file when it is relative to a source tree. Never line numbers,
 * addresses or absolute build paths, so unrelated edits keep it. buf must
 * hold 17 bytes; returns buf.
 */
char *ka_finding_fingerprint(const struct ka_finding *f, char buf[17]);

/* Sorts findings into the stable output order (rank, file, line, module,
 * check, symbol, message). */
void ka_findings_sort(struct ka_findings *f);
/* NULL or zeroed: nothing; leaves *f zeroed. */
void ka_findings_free(struct ka_findings *f);
