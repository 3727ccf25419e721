/*
 * symbol-get: symbol_get() of an export that is not GPL-only returns NULL.
 * The loader's __symbol_get() (kernel/module/main.c) refuses it with
 * "failing symbol_get of non-GPLONLY symbol %s." since Linux 6.6; the same
 * change made __symbol_get itself EXPORT_SYMBOL_GPL and went to stable
 * kernels (Debian's 6.1 has both). So the rule holds where the kernel side
 * exports __symbol_get GPL-only, or, without that evidence, where the
 * module's vermagic names 6.6 or later. modpost does not see it: the name
 * is a string argument (see readers/symget-refs.c).
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

/* Whether __symbol_get refuses non-GPL-only exports, and why we think so. */
static bool restricted(const struct ka_run *run, const struct ka_exportdb *kernel,
		       const struct ka_module *m, char **why)
{
	const struct ka_export *sg = ka_loader_find(run, kernel, "__symbol_get");
	struct ka_kver v = ka_module_kver(run, m);
	if (sg && ka_export_type_is_gpl_only(sg->type)) {
		*why = v.known ? xasprintf("Linux %d.%d, whose __symbol_get is "
					   "EXPORT_SYMBOL_GPL: 6.6's restriction, "
					   "or its stable backport",
					   v.major, v.minor)
			       : xstrdup("this kernel's __symbol_get is "
					 "EXPORT_SYMBOL_GPL: 6.6's restriction, "
					 "or its stable backport");
		return true;
	}
	if (!sg && v.known && ka_kver_at_least(v, 6, 6)) {
		*why = xasprintf("Linux %d.%d, 6.6+", v.major, v.minor);
		return true;
	}
	return false;
}

char *ka_symbol_get_failure(const struct ka_run *run,
			    const struct ka_exportdb *kernel,
			    const struct ka_module *m, const char *sym)
{
	const struct ka_export *e = ka_loader_find(run, kernel, sym);
	char *why = NULL;
	if (!e || ka_export_type_is_gpl_only(e->type) ||
	    !restricted(run, kernel, m, &why))
		return NULL;
	char *r = xasprintf("'%s' is %s and __symbol_get() refuses exports "
			    "that are not GPL-only (\"failing symbol_get of "
			    "non-GPLONLY symbol %s.\") [%s, kernel/module/main.c "
			    "__symbol_get()]", sym, ka_export_type_name(e->type),
			    sym, why);
	free(why);
	return r;
}

struct ka_finding *ka_symbol_get_finding(struct ka_run *run,
					 const struct ka_module *m,
					 const char *sym, const char *failure)
{
	return ka_finding_add(&run->findings, ka_check_symbol_get.id,
			      ka_check_symbol_get.severity, m->name, m->path,
			      sym, "module %s calls symbol_get(%s), which "
			      "returns NULL: %s", m->name, sym, failure);
}

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	for (size_t i = 0; i < m->symbol_gets.n; i++) {
		char *why = ka_symbol_get_failure(run, NULL, m,
						  m->symbol_gets.v[i]);
		if (why)
			ka_symbol_get_finding(run, m, m->symbol_gets.v[i], why);
		free(why);
	}
}

const struct ka_check ka_check_symbol_get = {
	.id = "symbol-get",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_MODULE,
	.summary = "symbol_get() of an export that is not GPL-only returns NULL (6.6+)",
	.description = "The module hands symbol_get() the name of an export "
		"that is not GPL-only; the loader's __symbol_get() refuses it "
		"(\"failing symbol_get of non-GPLONLY symbol\", Linux 6.6, also in "
		"stable kernels whose __symbol_get is EXPORT_SYMBOL_GPL) and "
		"returns NULL, so the feature behind it silently stays off. "
		"modpost does not see it: the name is a string argument.",
	.help = "Call the symbol directly (a module dependency), or have it "
		"exported with EXPORT_SYMBOL_GPL.",
	.run_module = run_module,
};
