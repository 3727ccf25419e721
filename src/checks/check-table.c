/* The check table, the runners and helpers the checks share. */
#include <stdio.h>
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
	&ka_check_symbol_get,
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
	for (const struct ka_check *const *c = ka_checks; *c; c++)
		if ((*c)->run_modules)
			(*c)->run_modules(run);
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
		if ((*c)->run_diff &&
		    (!d->upgrade || *c == &ka_check_module_breaks))
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

struct ka_kver ka_kver_parse(const char *release)
{
	struct ka_kver v = { 0 };
	if (release && sscanf(release, "%d.%d", &v.major, &v.minor) == 2)
		v.known = true;
	return v;
}

bool ka_kver_at_least(struct ka_kver v, int major, int minor)
{
	return !v.known || v.major > major ||
	       (v.major == major && v.minor >= minor);
}

struct ka_kver ka_module_kver(const struct ka_run *run,
			      const struct ka_module *m)
{
	struct ka_kver v = ka_kver_parse(m->vermagic);
	return v.known ? v : ka_kver_parse(run->kernel_release);
}

bool ka_modpost_words_7_3(const struct ka_run *run, const struct ka_module *m)
{
	struct ka_kver v = ka_module_kver(run, m);
	return v.known && ka_kver_at_least(v, 7, 3);
}

const struct ka_export *ka_loader_find(const struct ka_run *run,
				       const struct ka_exportdb *kernel,
				       const char *name)
{
	const struct ka_export *e = ka_exportdb_find(&run->exports, name);
	if ((e && e->module) || !kernel)
		return e;
	return ka_exportdb_find(kernel, name);
}

static size_t module_index(const struct ka_run *run, const struct ka_module *m)
{
	for (size_t i = 0; i < run->n_modules; i++)
		if (run->modules[i] == m)
			return i;
	return run->n_modules;
}

/*
 * kernel/module/main.c, resolve_symbol() and inherit_taint() (5.9+): a
 * module resolving a symbol whose owner carries TAINT_PROPRIETARY_MODULE
 * gets it too, so the taint spreads along imports until nothing changes.
 */
struct ka_taint *ka_loader_taints(const struct ka_run *run,
				  const struct ka_exportdb *kernel)
{
	struct ka_taint *t = xcalloc(run->n_modules + 1, sizeof(*t));
	for (size_t i = 0; i < run->n_modules; i++)
		t[i].tainted = t[i].own =
			!ka_module_is_gpl_compatible(run, run->modules[i]);
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < run->n_modules; i++) {
			const struct ka_module *m = run->modules[i];
			if (t[i].tainted ||
			    !ka_kver_at_least(ka_module_kver(run, m), 5, 9))
				continue;
			for (size_t k = 0; k < m->n_imports; k++) {
				const struct ka_export *e = ka_loader_find(
					run, kernel, m->imports[k].name);
				size_t o = e && e->module && e->module != m
					? module_index(run, e->module)
					: run->n_modules;
				if (o == run->n_modules || !t[o].tainted)
					continue;
				t[i] = (struct ka_taint){ .tainted = true,
					.from = e->module, .symbol = e->name };
				changed = true;
				break;
			}
		}
	}
	return t;
}

char *ka_loader_refusal(const struct ka_run *run,
			const struct ka_exportdb *kernel,
			const struct ka_taint *t, const struct ka_module *m)
{
	size_t i = module_index(run, m);
	if (i == run->n_modules || !t[i].tainted || t[i].own)
		return NULL;
	/* Symbols resolve in symbol-table order: a GPL-only one before the
	 * first from a tainted owner makes inherit_taint() refuse; after it,
	 * the now tainted module no longer sees GPL-only exports. */
	const char *gpl = NULL, *prop = NULL, *owner = NULL;
	for (size_t k = 0; k < m->n_imports && !(gpl && prop); k++) {
		const struct ka_export *e =
			ka_loader_find(run, kernel, m->imports[k].name);
		if (!e || e->module == m)
			continue;
		size_t o = e->module ? module_index(run, e->module)
				     : run->n_modules;
		if (!prop && o < run->n_modules && t[o].tainted) {
			prop = e->name;
			owner = e->module->name;
		} else if (!gpl && ka_export_type_is_gpl_only(e->type)) {
			if (!prop)
				gpl = e->name;
			else
				return xasprintf(
					"the loader refuses it: once tainted by '%s' "
					"from %s it does not see GPL-only '%s' "
					"(\"%s: Unknown symbol %s\")",
					prop, owner, e->name, m->name, e->name);
		}
	}
	if (gpl && prop)
		return xasprintf("the loader refuses it: \"%s: module using "
				 "GPL-only symbols uses symbols %s from "
				 "proprietary module %s.\" (it uses GPL-only "
				 "'%s' first)", m->name, prop, owner, gpl);
	return NULL;
}
