/* The checks: one file each, described by one const table entry. */
#pragma once

#include "ksymaudit/run.h"

struct ka_check {
	const char *id;
	enum ka_severity severity; /* the usual severity */
	const char *summary;       /* one line, for --help and the man page */
	/* Module checks: called once per audited module. */
	void (*run_module)(struct ka_run *run, const struct ka_module *m);
};

extern const struct ka_check ka_check_gpl_only_use;
extern const struct ka_check ka_check_missing_license;
extern const struct ka_check ka_check_namespace_not_imported;
extern const struct ka_check ka_check_unresolved_symbol;
extern const struct ka_check ka_check_proprietary_import;
extern const struct ka_check ka_check_machine_mismatch;

/* Module checks in the order they run; NULL-terminated. */
extern const struct ka_check *const ka_module_checks[];

/* The license a module is audited with: --license, else its own. */
bool ka_module_is_gpl_compatible(const struct ka_run *run,
				 const struct ka_module *m);
/* True when the module has any license at all (or --license is given). */
bool ka_module_has_license(const struct ka_run *run, const struct ka_module *m);
