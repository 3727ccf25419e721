/* gpl-only-use: a GPL-incompatible module uses a GPL-only export. */
#include "ksymaudit/checks.h"

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char name[256];

	if (ka_module_is_gpl_compatible(run, m))
		return;
	ka_module_display_name(m, name, sizeof(name));
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_export *e =
			ka_exportdb_find(&run->exports, m->imports[i].name);

		if (!e || e->module == m || !ka_export_type_is_gpl_only(e->type))
			continue;
		ka_finding_add(&run->findings, ka_check_gpl_only_use.id,
			       KA_SEV_ERROR, m->name, m->path, e->name,
			       "GPL-incompatible module %s uses GPL-only symbol '%s'",
			       name, e->name);
	}
}

const struct ka_check ka_check_gpl_only_use = {
	.id = "gpl-only-use",
	.severity = KA_SEV_ERROR,
	.summary = "a GPL-incompatible module uses a GPL-only export",
	.run_module = run_module,
};
