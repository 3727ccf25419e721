/*
 * gpl-only-import (--explain-all): what ties a module to GPL-only exports
 * even when its license allows them, as notes that check then explains.
 */
#include <string.h>

#include "ksymaudit/checks.h"

static bool finding_of(const struct ka_finding *f, const struct ka_module *m)
{
	return f->module && f->symbol && strcmp(f->module, m->name) == 0 &&
	       (!f->file || strcmp(f->file, m->path) == 0 || f->line);
}

static bool has_use_finding(const struct ka_run *run, const struct ka_module *m,
			    const char *sym)
{
	for (size_t i = 0; i < run->findings.n; i++) {
		const struct ka_finding *f = &run->findings.v[i];
		if (strcmp(f->check, ka_check_gpl_only_use.id) == 0 && finding_of(f, m) &&
		    strcmp(f->symbol, sym) == 0)
			return true;
	}
	return false;
}

/* --explain-all: a note per GPL-only import not already an error. */
static void run_module(struct ka_run *run, const struct ka_module *m)
{
	if (!run->explain_all)
		return;
	char name[256];
	ka_module_modpost_name(m, name, sizeof(name));
	for (size_t i = 0; i < m->n_imports; i++) {
		const char *sym = m->imports[i].name;
		const struct ka_export *e = ka_exportdb_find(&run->exports, sym);
		if (!e || e->module == m || !ka_export_type_is_gpl_only(e->type) ||
		    has_use_finding(run, m, sym))
			continue;
		ka_finding_add(&run->findings, ka_check_gpl_only_import.id,
			       ka_check_gpl_only_import.severity,
			       m->name, m->path, sym,
			       "module %s imports GPL-only symbol '%s'", name,
			       sym)->attribute = true;
	}
}

const struct ka_check ka_check_gpl_only_import = {
	.id = "gpl-only-import",
	.severity = KA_SEV_NOTE,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module imports a GPL-only export (--explain-all)",
	.description = "With --explain-all, every GPL-only symbol a module "
		       "imports that is not already a gpl-only-use error, "
		       "GPL-compatible modules included, explained down to the "
		       "header inline and source line.",
	.help = "Informational: shows what would break if the module's "
		"license were not GPL-compatible.",
	.run_module = run_module,
};
