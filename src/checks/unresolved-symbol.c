/* unresolved-symbol: an undefined symbol no known export provides. */
#include "ksymaudit/checks.h"

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char name[256];
	bool new_words = ka_modpost_words_7_3(run, m);

	ka_module_modpost_name(m, name, sizeof(name));
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_import *imp = &m->imports[i];

		/* Weak undefined symbols may stay unresolved, as in modpost. */
		if (imp->weak || ka_exportdb_find(&run->exports, imp->name))
			continue;
		ka_finding_add(&run->findings, ka_check_unresolved_symbol.id,
			       ka_check_unresolved_symbol.severity, m->name,
			       m->path, imp->name,
			       new_words ? "%2$s: symbol '%1$s' undefined"
					 : "\"%1$s\" [%2$s] undefined",
			       imp->name, name);
	}
}

const struct ka_check ka_check_unresolved_symbol = {
	.id = "unresolved-symbol",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module uses a symbol that no known export provides",
	.description = "The module uses a symbol that neither the kernel side nor "
		"another module given on the command line exports: modpost "
		"reports it undefined and the loader fails with \"Unknown "
		"symbol\".",
	.help = "Check that the module was built against this kernel, or "
		"give the module that exports the symbol.",
	.run_module = run_module,
};
