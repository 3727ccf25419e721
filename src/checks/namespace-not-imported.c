/* namespace-not-imported: a namespaced export used without MODULE_IMPORT_NS. */
#include "ksymaudit/checks.h"

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char name[256];

	ka_module_display_name(m, name, sizeof(name));
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_export *e =
			ka_exportdb_find(&run->exports, m->imports[i].name);

		if (!e || e->module == m || !e->ns ||
		    strvec_contains(&m->import_ns, e->ns))
			continue;
		ka_finding_add(&run->findings, ka_check_namespace_not_imported.id,
			       ka_check_namespace_not_imported.severity, m->name,
			       m->path, e->name,
			       "module %s uses symbol %s from namespace %s, but does not import it",
			       name, e->name, e->ns);
	}
}

const struct ka_check ka_check_namespace_not_imported = {
	.id = "namespace-not-imported",
	.severity = KA_SEV_ERROR,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module uses a namespaced export without MODULE_IMPORT_NS()",
	.description = "The module uses a symbol exported into a namespace "
		"(EXPORT_SYMBOL_NS) without MODULE_IMPORT_NS() for it: "
		"modpost fails and the loader refuses it.",
	.help = "Add MODULE_IMPORT_NS(NAMESPACE) to the module.",
	.run_module = run_module,
};
