/*
 * export-mismatch: an export whose license differs between Module.symvers
 * and the ELF export tables, or a symbol exported twice (by two owners, or
 * twice in one source).
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

static bool same_owner(const struct ka_export *a, const struct ka_export *b)
{
	const char *x = a->owner ? a->owner : "", *y = b->owner ? b->owner : "";
	if (strcmp(x, y) == 0)
		return true;
	/* symvers names modules by path ("fs/btrfs/btrfs"), ELF by name. */
	const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');
	bx = bx ? bx + 1 : x;
	by = by ? by + 1 : y;
	size_t n = strlen(bx);
	if (n != strlen(by))
		return false;
	for (size_t i = 0; i < n; i++) {
		char cx = bx[i] == '-' ? '_' : bx[i];
		char cy = by[i] == '-' ? '_' : by[i];
		if (cx != cy)
			return false;
	}
	return true;
}

static const char *src_name(const struct ka_export *e)
{
	return e->source == KA_SRC_SYMVERS ? "Module.symvers" : "ELF export table";
}

static void license_differs(struct ka_run *run, const struct ka_export *a,
			    const struct ka_export *b)
{
	if (ka_export_type_is_gpl_only(a->type) ==
	    ka_export_type_is_gpl_only(b->type))
		return;
	const struct ka_export *sv = a->source == KA_SRC_SYMVERS ? a : b;
	const struct ka_export *el = sv == a ? b : a;
	struct ka_finding *f = ka_finding_add(
		&run->findings, ka_check_export_mismatch.id,
		ka_check_export_mismatch.severity, el->owner,
		sv->origin, sv->name,
		"'%s' is %s in Module.symvers but %s in the ELF export table "
		"of %s", sv->name, ka_export_type_name(sv->type),
		ka_export_type_name(el->type), el->origin);
	f->line = sv->origin_line;
}

static void exported_twice(struct ka_run *run, const struct ka_export *a,
			   const struct ka_export *b)
{
	struct ka_finding *f = ka_finding_add(
		&run->findings, ka_check_export_mismatch.id,
		ka_check_export_mismatch.severity, b->owner,
		b->origin, b->name,
		"'%s' is exported twice: %s by %s (%s) and %s by %s (%s)",
		b->name, ka_export_type_name(a->type), a->owner ? a->owner : "?",
		src_name(a), ka_export_type_name(b->type),
		b->owner ? b->owner : "?", src_name(b));
	f->line = b->origin_line;
}

static void run_kernel(struct ka_run *run, const struct ka_tree_result *res)
{
	(void)res;
	struct hashmap first[2] = { { 0 }, { 0 } }; /* per source */
	const struct ka_exportdb *db = &run->exports;
	for (size_t i = 0; i < db->n; i++) {
		const struct ka_export *e = db->all[i];
		int src = e->source == KA_SRC_SYMVERS ? 0 : 1;
		const struct ka_export *prev = hashmap_get(&first[src], e->name);
		const struct ka_export *o = hashmap_get(&first[!src], e->name);
		bool dup = false;
		if (!prev)
			hashmap_put(&first[src], e->name, (void *)e);
		else if (!same_owner(prev, e) ||
			 strcmp(prev->origin ? prev->origin : "",
				e->origin ? e->origin : "") == 0)
			dup = true; /* two owners, or twice in one file */
		if (dup)
			exported_twice(run, prev, e);
		if (!o)
			continue;
		if (same_owner(o, e))
			license_differs(run, o, e);
		else if (!prev)
			exported_twice(run, o, e);
	}
	hashmap_free(&first[0]);
	hashmap_free(&first[1]);
}

const struct ka_check ka_check_export_mismatch = {
	.id = "export-mismatch",
	.severity = KA_SEV_ERROR,
	.scope = KA_SCOPE_KERNEL,
	.summary = "an export's license differs between sources, or it is exported twice",
	.description = "An export whose license differs between Module.symvers "
		       "and the ELF export tables of vmlinux or a module, or a "
		       "symbol exported twice (by two owners, or twice in one "
		       "source): modpost and the loader would disagree.",
	.help = "Rebuild Module.symvers from the same build, or remove the "
		"duplicate export.",
	.run_kernel = run_kernel,
};
