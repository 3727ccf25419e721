/*
 * namespace-not-imported: a namespaced export used without MODULE_IMPORT_NS,
 * a module-restricted export (EXPORT_SYMBOL_FOR_MODULES, "module:LIST")
 * used by a module the list does not name, or an import of a "module:"
 * namespace. The verdicts and wording are modpost's (check_exports() and
 * read_symbols() of 7.2's scripts/mod/modpost.c; 7.3's words for a module
 * whose vermagic names 7.3 or later), with the loader's
 * (kernel/module/main.c) in the note where it says something else.
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

/* modpost's "does not import it" for m, in the words of m's kernel. */
static struct ka_finding *not_imported(struct ka_run *run,
				       const struct ka_module *m,
				       const char *base,
				       const struct ka_export *e)
{
	if (ka_modpost_words_7_3(run, m))
		return ka_finding_add(&run->findings,
				      ka_check_namespace_not_imported.id,
				      ka_check_namespace_not_imported.severity,
				      m->name, m->path, e->name,
				      "%s.ko: module uses symbol '%s' from namespace '%s', but does not import it",
				      base, e->name, e->ns);
	return ka_finding_add(&run->findings, ka_check_namespace_not_imported.id,
			      ka_check_namespace_not_imported.severity,
			      m->name, m->path, e->name,
			      "module %s uses symbol %s from namespace %s, but does not import it",
			      base, e->name, e->ns);
}

/* A module-restricted export: modpost's verdict, then the loader's. */
static void module_list(struct ka_run *run, const struct ka_module *m,
			const char *base, const struct ka_export *e)
{
	bool build = ka_ns_module_admits(e->ns, base, false);
	bool load = ka_ns_module_admits(e->ns, m->name, true);
	struct ka_finding *f;

	if (build && load)
		return;
	if (!build) {
		/* modpost also lets an import of the exact string pass (and
		 * refuses the import itself: see run_module). */
		if (strvec_contains(&m->import_ns, e->ns))
			return;
		f = not_imported(run, m, base, e);
		f->note = load ? xasprintf(
			"EXPORT_SYMBOL_FOR_MODULES: modpost compares the object's file name '%s' byte for byte with the list, so the build fails; the loader compares the module name '%s' with '-' and '_' alike and would accept it",
			base, m->name)
			: xasprintf(
			"EXPORT_SYMBOL_FOR_MODULES: only the modules listed may use it, and no MODULE_IMPORT_NS() grants it; the loader refuses the module too: \"%s: module uses symbol (%s) from namespace %s, but does not import it.\"",
			m->name, e->name, e->ns);
		return;
	}
	/* modpost accepts the file name, the loader not the module name. */
	f = ka_finding_add(&run->findings, ka_check_namespace_not_imported.id,
			   ka_check_namespace_not_imported.severity, m->name,
			   m->path, e->name,
			   "%s: module uses symbol (%s) from namespace %s, but does not import it.",
			   m->name, e->name, e->ns);
	f->note = xasprintf(
		"EXPORT_SYMBOL_FOR_MODULES: modpost accepts the file name '%s', but the loader checks the module name '%s', which the list does not name",
		base, m->name);
}

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char *base = ka_module_basename(m->path ? m->path : m->name);

	for (size_t i = 0; i < m->import_ns.n; i++) {
		const char *ns = m->import_ns.v[i];
		if (!ka_ns_is_module_list(ns))
			continue;
		bool w73 = ka_modpost_words_7_3(run, m);
		ka_finding_add(&run->findings, ka_check_namespace_not_imported.id,
			       ka_check_namespace_not_imported.severity, m->name,
			       m->path, NULL,
			       w73 ? "%s.ko: explicitly importing namespace '%s' is not allowed."
				   : "%s: explicitly importing namespace \"%s\" is not allowed.",
			       base, ns)
			->note = xasprintf(
			"module namespaces are implicit; the loader refuses the module: \"%s: module tries to import module namespace: %s\"",
			m->name, ns);
	}
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_export *e =
			ka_exportdb_find(&run->exports, m->imports[i].name);

		if (!e || e->module == m || !e->ns)
			continue;
		if (ka_ns_is_module_list(e->ns)) {
			module_list(run, m, base, e);
			continue;
		}
		if (strvec_contains(&m->import_ns, e->ns))
			continue;
		struct ka_finding *f = not_imported(run, m, base, e);
		/* MODULE_IMPORT_NS("NS") (6.13+) against older headers:
		 * __stringify() keeps the quotes in .modinfo. */
		char *quoted = xasprintf("\"%s\"", e->ns);
		if (strvec_contains(&m->import_ns, quoted))
			f->note = xasprintf(
				"the module imports %s with the quotes: MODULE_IMPORT_NS(\"%s\") is the form of 6.13 and later; before 6.13 it is MODULE_IMPORT_NS(%s)",
				quoted, e->ns, e->ns);
		free(quoted);
	}
	free(base);
}

const struct ka_check ka_check_namespace_not_imported = {
	.id = "namespace-not-imported",
	.severity = KA_SEV_ERROR,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module uses a namespaced export without MODULE_IMPORT_NS(), or a module-restricted export it is not listed for",
	.description = "The module uses a symbol exported into a namespace "
		"(EXPORT_SYMBOL_NS) without MODULE_IMPORT_NS() for it, or a "
		"symbol exported with EXPORT_SYMBOL_FOR_MODULES (namespace "
		"\"module:LIST\", 6.16+) whose list does not name the module "
		"(modpost matches the object's file name exactly, an entry "
		"ending in '*' as a prefix; the loader matches the module name "
		"with '-' and '_' alike), or it imports a \"module:\" namespace "
		"itself: modpost fails and the loader refuses it.",
	.help = "Add MODULE_IMPORT_NS(\"NAMESPACE\") to the module (before "
		"6.13: MODULE_IMPORT_NS(NAMESPACE)). A module-restricted "
		"export is for the modules its list names only: stop using "
		"it.",
	.run_module = run_module,
};
