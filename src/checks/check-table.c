/* The check table, the runners and helpers the checks share. */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/checks.h"

const struct ka_check *const ka_checks[] = {
	/* check: module checks, in the order they run */
	&ka_check_missing_license,
	&ka_check_gpl_only_use,
	&ka_check_namespace_not_imported,
	&ka_check_unresolved_symbol,
	&ka_check_proprietary_import,
	&ka_check_machine_mismatch,
	&ka_check_gpl_only_import,
	/* tree */
	&ka_check_export_mismatch,
	&ka_check_inline_exposure,
	&ka_check_export_wrapper,
	/* explain */
	&ka_check_explain_export,
	&ka_check_explain_inline,
	/* diff */
	&ka_check_export_license,
	&ka_check_export_door,
	&ka_check_module_breaks,
	/* every command */
	&ka_check_waiver_unused,
	NULL,
};

const struct ka_check *ka_check_find(const char *id)
{
	for (const struct ka_check *const *c = ka_checks; *c; c++)
		if (strcmp((*c)->id, id) == 0)
			return *c;
	return NULL;
}

void ka_checks_run_modules(struct ka_run *run)
{
	for (size_t i = 0; i < run->n_modules; i++)
		for (const struct ka_check *const *c = ka_checks; *c; c++)
			if ((*c)->run_module)
				(*c)->run_module(run, run->modules[i]);
}

void ka_checks_run_kernel(struct ka_run *run, const struct ka_tree_result *res)
{
	for (const struct ka_check *const *c = ka_checks; *c; c++)
		if ((*c)->run_kernel)
			(*c)->run_kernel(run, res);
}

void ka_checks_run_diff(struct ka_run *run, const struct ka_diff *d)
{
	for (const struct ka_check *const *c = ka_checks; *c; c++)
		if ((*c)->run_diff)
			(*c)->run_diff(run, d);
}

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

bool ka_module_ns_ok(const struct ka_module *m, const char *ns)
{
	bool ok = false;

	if (!ns || !*ns || strvec_contains(&m->import_ns, ns))
		return true;
	if (ka_ns_is_module_list(ns)) {
		char *base = ka_module_basename(m->path ? m->path : m->name);
		ok = ka_ns_module_admits(ns, base, false);
		free(base);
	}
	return ok;
}

char *ka_export_describe(const struct ka_export *e)
{
	if (!e)
		return NULL;
	if (ka_ns_is_module_list(e->ns))
		return xasprintf("%s for modules %s",
				 ka_export_type_name(e->type),
				 e->ns + strlen(KA_MODULE_NS_PREFIX));
	if (e->ns)
		return xasprintf("%s in namespace %s",
				 ka_export_type_name(e->type), e->ns);
	return xstrdup(ka_export_type_name(e->type));
}
