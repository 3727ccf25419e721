/*
 * gpl-only-use: a GPL-incompatible module uses a GPL-only export. The
 * verdict and wording are modpost's (check_exports(); 7.3's words for a
 * module whose vermagic names 7.3 or later).
 */
#include "ksymaudit/checks.h"

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char name[256];
	bool new_words = ka_modpost_words_7_3(run, m);

	if (ka_module_is_gpl_compatible(run, m))
		return;
	ka_module_modpost_name(m, name, sizeof(name));
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_export *e =
			ka_exportdb_find(&run->exports, m->imports[i].name);

		if (!e || e->module == m || !ka_export_type_is_gpl_only(e->type))
			continue;
		ka_finding_add(&run->findings, ka_check_gpl_only_use.id,
			       ka_check_gpl_only_use.severity, m->name, m->path,
			       e->name,
			       new_words ? "%s: GPL-incompatible module uses GPL-only symbol '%s'"
					 : "GPL-incompatible module %s uses GPL-only symbol '%s'",
			       name, e->name)->attribute = true;
	}
}

const struct ka_check ka_check_gpl_only_use = {
	.id = "gpl-only-use",
	.severity = KA_SEV_ERROR,
	.scope = KA_SCOPE_MODULE,
	.summary = "a GPL-incompatible module uses a GPL-only export",
	.description = "A GPL-incompatible module uses a symbol exported with "
		"EXPORT_SYMBOL_GPL: modpost refuses to build it and the "
		"loader to load it. The verdict is modpost's; each use is "
		"explained down to the header inline and source line.",
	.help = "Relicense the module under a GPL-compatible license, or "
		"stop using the symbol: the sites show which header inline "
		"or line brings it in.",
	.run_module = run_module,
};
