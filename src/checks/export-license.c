/*
 * export-license (diff): an export of OLD that NEW made GPL-only or plain,
 * moved into, out of or between namespaces, restricted to a module list
 * (EXPORT_SYMBOL_FOR_MODULES) or changed that list, or removed. Exports NEW adds
 * are not reported: a new symbol breaks nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/checks.h"

/*
 * EXPORT_SYMBOL_FOR_MODULES (6.16+) on either side: naming the list is
 * what a vendor needs (a module not on it stops building). A warning when
 * a module may have lost the export: it became restricted, or an entry
 * left the list; a note when the list only grew or the restriction went.
 */
static char *module_list_change(const char *ons, const char *nns,
				enum ka_severity *sev)
{
	bool ol = ka_ns_is_module_list(ons), nl = ka_ns_is_module_list(nns);
	const char *olist = ol ? ons + strlen(KA_MODULE_NS_PREFIX) : NULL;
	const char *nlist = nl ? nns + strlen(KA_MODULE_NS_PREFIX) : NULL;
	struct strvec a = { 0 }, b = { 0 };
	bool lost = false;
	char *s;

	if (!ol) {
		*sev = KA_SEV_WARNING;
		return ons ? xasprintf("moved from namespace %s to a module list: only modules %s may use it (EXPORT_SYMBOL_FOR_MODULES)",
				       ons, nlist)
			   : xasprintf("became restricted to modules %s (EXPORT_SYMBOL_FOR_MODULES)",
				       nlist);
	}
	if (!nl) {
		*sev = nns ? KA_SEV_WARNING : KA_SEV_NOTE;
		return nns ? xasprintf("is no longer restricted to modules %s but moved into namespace %s",
				       olist, nns)
			   : xasprintf("is no longer restricted to modules %s",
				       olist);
	}
	ka_ns_module_entries(ons, &a);
	ka_ns_module_entries(nns, &b);
	for (size_t i = 0; i < a.n && !lost; i++)
		lost = !strvec_contains(&b, a.v[i]);
	*sev = lost ? KA_SEV_WARNING : KA_SEV_NOTE;
	s = xasprintf("changed its module list from %s to %s", olist, nlist);
	strvec_free(&a);
	strvec_free(&b);
	return s;
}

static void report(struct ka_run *run, const struct ka_export *o,
		   const struct ka_export *n)
{
	enum ka_severity sev = KA_SEV_NOTE;
	const char *what;
	char *extra = NULL;
	bool og = ka_export_type_is_gpl_only(o->type);
	if (!n) {
		sev = KA_SEV_WARNING;
		what = "was removed";
	} else {
		bool ng = ka_export_type_is_gpl_only(n->type);
		bool ns_changed = (o->ns || n->ns) &&
				  (!o->ns || !n->ns || strcmp(o->ns, n->ns));
		if (!og && ng) {
			sev = KA_SEV_WARNING;
			what = "became GPL-only";
		} else if (og && !ng) {
			what = "is no longer GPL-only";
		} else if (o->type != n->type) {
			what = "changed export type";
		} else if (!ns_changed) {
			return;
		} else {
			what = NULL;
		}
		if (ns_changed && (ka_ns_is_module_list(o->ns) ||
				   ka_ns_is_module_list(n->ns))) {
			enum ka_severity ls;
			extra = module_list_change(o->ns, n->ns, &ls);
			if (ls > sev)
				sev = ls;
		} else if (ns_changed) {
			if (n->ns)
				sev = KA_SEV_WARNING; /* importers must say so */
			extra = !o->ns ? xasprintf("moved into namespace %s", n->ns)
				: !n->ns ? xasprintf("left namespace %s", o->ns)
					 : xasprintf("moved from namespace %s to %s",
						     o->ns, n->ns);
		}
	}
	struct ka_finding *f = ka_finding_add(
		&run->findings, ka_check_export_license.id, sev,
		(n ? n : o)->owner, NULL, o->name, "%s '%s' %s%s%s",
		ka_export_type_name(o->type), o->name, what ? what : "",
		what && extra ? " and " : "", extra ? extra : "");
	/* The export changed (a removed one too: new is null). */
	f->change = KA_CHANGE_CHANGED;
	f->old_value = ka_export_describe(o);
	f->new_value = ka_export_describe(n);
	free(extra);
}

static void run_diff(struct ka_run *run, const struct ka_diff *d)
{
	const struct ka_exportdb *odb = &d->old_side->exports;
	const struct ka_exportdb *ndb = &d->new_side->exports;
	for (size_t i = 0; i < odb->n; i++) {
		const struct ka_export *o = odb->all[i];
		/* The export that lookups see, once per name. */
		if (ka_exportdb_find(odb, o->name) != o)
			continue;
		report(run, o, ka_exportdb_find(ndb, o->name));
	}
}

const struct ka_check ka_check_export_license = {
	.id = "export-license",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_DIFF,
	.summary = "an export became GPL-only, changed namespace or was removed",
	.description = "diff: an export of OLD that NEW made GPL-only, moved "
		       "into or between symbol namespaces, or no longer "
		       "exports (warnings: modules that use it stop loading), "
		       "or that NEW made plain or took out of a namespace "
		       "(notes). The finding's old and new fields give the "
		       "export as each kernel has it (new is null when it was "
		       "removed); its change is always \"changed\".",
	.help = "If modules outside the tree use the symbol, keep its old "
		"license, or announce the change; a removed or namespaced "
		"export needs its users updated (MODULE_IMPORT_NS).",
	.run_diff = run_diff,
};
