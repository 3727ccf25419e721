/*
 * proprietary-import: a module uses symbols exported by a GPL-incompatible
 * module. Since 5.9 (commit 262e6ae7081d) the loader refuses a module that
 * does so and also uses GPL-only symbols: then it is an error.
 */
#include "ksymaudit/checks.h"

static bool uses_gpl_only(const struct ka_run *run, const struct ka_module *m)
{
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_export *e =
			ka_exportdb_find(&run->exports, m->imports[i].name);
		if (e && e->module != m && ka_export_type_is_gpl_only(e->type))
			return true;
	}
	return false;
}

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char name[256], owner[256];
	bool gpl_only = uses_gpl_only(run, m);

	ka_module_display_name(m, name, sizeof(name));
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_export *e =
			ka_exportdb_find(&run->exports, m->imports[i].name);

		if (!e || !e->module || e->module == m ||
		    ka_module_is_gpl_compatible(run, e->module))
			continue;
		ka_module_display_name(e->module, owner, sizeof(owner));
		if (gpl_only)
			ka_finding_add(&run->findings, ka_check_proprietary_import.id,
				       KA_SEV_ERROR /* the loader refuses it */,
				       m->name, m->path, e->name,
				       "module %s uses GPL-only symbols and symbol '%s' from proprietary module %s; the loader (5.9+) refuses it",
				       name, e->name, owner);
		else
			ka_finding_add(&run->findings, ka_check_proprietary_import.id,
				       ka_check_proprietary_import.severity, m->name,
				       m->path, e->name,
				       "module %s uses symbol '%s' from proprietary module %s and inherits its taint",
				       name, e->name, owner);
	}
}

const struct ka_check ka_check_proprietary_import = {
	.id = "proprietary-import",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module uses symbols of a proprietary module (an error if it also uses GPL-only symbols)",
	.description = "The module uses symbols exported by a module that is not "
		"GPL-compatible and inherits its taint; since Linux 5.9 the "
		"loader refuses it when it also uses GPL-only symbols (an "
		"error then).",
	.help = "Do not mix symbols of proprietary modules with GPL-only "
		"ones in one module.",
	.run_module = run_module,
};
