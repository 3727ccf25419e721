/*
 * Baselines (--baseline REPORT.json): the findings of an earlier JSON report
 * of the same command, by fingerprint, so a run can tell new findings from
 * those already known. A minimal reader of ksymaudit's JSON report: only
 * what a baseline needs (src/readers/baseline.c).
 */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/findings.h"

/* One finding of the baseline report. */
struct ka_baseline_entry {
	char fingerprint[17];
	char *check;
	char *module;  /* NULL when none */
	char *symbol;  /* NULL when none */
	char *message; /* NULL when the report had none */
	bool matched;  /* a finding of this run has the same identity */
};

struct ka_baseline {
	char *path;    /* the report, as given */
	char *command; /* the command that wrote it ("tree", "check", …) */
	struct ka_baseline_entry *v;
	size_t n, cap;
	size_t n_new, n_unchanged, n_absent; /* set by ka_baseline_apply() */
};

/*
 * Reads the JSON report at path (written by `ksymaudit COMMAND -j`) into *b.
 * Each finding's identity is its "fingerprint" member, or, for reports
 * written before fingerprints existed, ka_finding_fingerprint() of its
 * check, module, symbol, path and file. Problems go to diags as fatal
 * "PATH: what is wrong"; returns 0 or a negative errno (-EINVAL: not a
 * report of schema version 1). *b is always safe to free.
 */
int ka_baseline_load(const char *path, struct ka_baseline *b,
		     struct ka_diags *diags) KA_WUR KA_NONNULL(1, 2, 3);

/*
 * Marks each finding KA_BASELINE_UNCHANGED when an unmatched baseline entry
 * has its fingerprint (each entry matches one finding: two findings with
 * the same identity need two entries), else KA_BASELINE_NEW; counts new,
 * unchanged and absent (baseline entries nothing matched).
 */
void ka_baseline_apply(struct ka_baseline *b, struct ka_findings *f);

/* NULL or zeroed: nothing; leaves *b zeroed. */
void ka_baseline_free(struct ka_baseline *b);
