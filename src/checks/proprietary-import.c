/*
 * proprietary-import: the loader's taint rule, which modpost does not apply
 * (kernel/module/main.c, inherit_taint(), Linux 5.9+, commit 262e6ae7081d).
 * A GPL-compatible module that uses symbols of a module tainted
 * PROPRIETARY (by its license, or by inheriting the taint the same way)
 * inherits the taint: a warning, it loads; if it also uses GPL-only
 * symbols the loader refuses it: an error. A proprietary importer is
 * tainted already and the kernel says nothing: no finding. The rule is
 * keyed to the kernel the module's vermagic names.
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

static void run_modules(struct ka_run *run)
{
	struct ka_taint *t = ka_loader_taints(run, NULL);
	for (size_t i = 0; i < run->n_modules; i++) {
		const struct ka_module *m = run->modules[i];
		if (!t[i].tainted || t[i].own)
			continue;
		char name[256];
		const char *owner = t[i].from->name;
		ka_module_display_name(m, name, sizeof(name));
		char *refusal = ka_loader_refusal(run, NULL, t, m);
		struct ka_kver v = ka_module_kver(run, m);
		char *kernel = v.known
			? xasprintf("Linux %d.%d", v.major, v.minor)
			: xstrdup("the kernel (release unknown: assumed 5.9+)");
		if (refusal)
			ka_finding_add(&run->findings, ka_check_proprietary_import.id,
				       KA_SEV_ERROR, m->name, m->path, t[i].symbol,
				       "module %s uses symbol '%s' from proprietary module %s "
				       "and GPL-only symbols: %s [%s, kernel/module/main.c inherit_taint(), 5.9+]",
				       name, t[i].symbol, owner, refusal, kernel);
		else
			ka_finding_add(&run->findings, ka_check_proprietary_import.id,
				       ka_check_proprietary_import.severity, m->name,
				       m->path, t[i].symbol,
				       "module %s inherits the proprietary taint of %s: \"%s: module uses "
				       "symbols %s from proprietary module %s, inheriting taint.\"; it uses no "
				       "GPL-only symbol, so it loads [%s, kernel/module/main.c inherit_taint(), 5.9+]",
				       name, owner, m->name, t[i].symbol, owner, kernel);
		free(refusal);
		free(kernel);
	}
	free(t);
}

const struct ka_check ka_check_proprietary_import = {
	.id = "proprietary-import",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_MODULE,
	.summary = "a GPL-compatible module inherits a proprietary module's taint (an error if it also uses GPL-only symbols)",
	.description = "The loader's rule modpost does not apply (Linux 5.9+, "
		"kernel/module/main.c inherit_taint()): a GPL-compatible module "
		"that uses symbols of a module tainted proprietary (by its "
		"license, or by inheriting the taint in the same way) inherits "
		"the taint and loads with a warning; if it also uses GPL-only "
		"symbols the loader refuses it (an error). A proprietary module "
		"importing from another gets no finding: the kernel says "
		"nothing. Keyed to the kernel release of the module's vermagic.",
	.help = "Do not mix symbols of proprietary modules with GPL-only "
		"ones in one module.",
	.run_modules = run_modules,
};
