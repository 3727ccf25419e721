/* The module-check table and helpers the checks share. */
#include <string.h>

#include "ksymaudit/checks.h"

const struct ka_check *const ka_module_checks[] = {
	&ka_check_missing_license,
	&ka_check_gpl_only_use,
	&ka_check_namespace_not_imported,
	&ka_check_unresolved_symbol,
	&ka_check_proprietary_import,
	&ka_check_machine_mismatch,
	NULL,
};

/*
 * As modpost: a module is GPL-incompatible when any license= entry is not
 * on the list; a module with no license= entry is not treated as
 * incompatible (missing-license reports it instead).
 */
bool ka_module_is_gpl_compatible(const struct ka_run *run,
				 const struct ka_module *m)
{
	if (run->license_override)
		return ka_license_is_gpl_compatible(&run->rules,
						    run->license_override);
	for (size_t i = 0; i < m->licenses.n; i++)
		if (!ka_license_is_gpl_compatible(&run->rules, m->licenses.v[i]))
			return false;
	return true;
}

bool ka_module_has_license(const struct ka_run *run, const struct ka_module *m)
{
	return run->license_override || m->licenses.n > 0;
}
