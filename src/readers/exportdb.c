/* Export types and the export database of a run. */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/exports.h"

static const char *const type_names[] = {
	[KA_EXPORT_PLAIN] = "EXPORT_SYMBOL",
	[KA_EXPORT_GPL] = "EXPORT_SYMBOL_GPL",
	[KA_EXPORT_GPL_FUTURE] = "EXPORT_SYMBOL_GPL_FUTURE",
	[KA_EXPORT_UNUSED] = "EXPORT_UNUSED_SYMBOL",
	[KA_EXPORT_UNUSED_GPL] = "EXPORT_UNUSED_SYMBOL_GPL",
};

const char *ka_export_type_name(enum ka_export_type t)
{
	return (unsigned)t < KA_ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

bool ka_export_type_parse(const char *s, enum ka_export_type *t)
{
	for (size_t i = 0; i < KA_ARRAY_SIZE(type_names); i++) {
		if (strcmp(s, type_names[i]) == 0) {
			*t = (enum ka_export_type)i;
			return true;
		}
	}
	return false;
}

/*
 * modpost treats EXPORT_SYMBOL_GPL and EXPORT_UNUSED_SYMBOL_GPL as GPL-only;
 * EXPORT_SYMBOL_GPL_FUTURE only warned ("will be GPL-only in the future").
 */
bool ka_export_type_is_gpl_only(enum ka_export_type t)
{
	return t == KA_EXPORT_GPL || t == KA_EXPORT_UNUSED_GPL;
}

bool ka_ns_is_module_list(const char *ns)
{
	return ns && str_starts(ns, KA_MODULE_NS_PREFIX);
}

/*
 * verify_module_namespace() of 7.2's scripts/mod/modpost.c and
 * kernel/module/main.c: each comma-separated entry is a name, or a prefix
 * when it ends in '*'; the loader compares with mod_strncmp() ('-' and '_'
 * equal), modpost with strncmp().
 */
bool ka_ns_module_admits(const char *ns, const char *name, bool loader)
{
	size_t modlen;

	if (!ka_ns_is_module_list(ns) || !name)
		return false;
	modlen = strlen(name);
	for (const char *p = ns + strlen(KA_MODULE_NS_PREFIX); *p;) {
		const char *sep = strchr(p, ',');
		size_t len;
		bool glob = false, same = true;

		if (!sep)
			sep = p + strlen(p);
		len = (size_t)(sep - p);
		if (len && p[len - 1] == '*') {
			len--;
			glob = true;
		}
		/* strncmp(p, name, len): name may be shorter than len */
		for (size_t i = 0; i < len && same; i++) {
			char a = p[i], b = i < modlen ? name[i] : '\0';
			if (loader) {
				a = a == '-' ? '_' : a;
				b = b == '-' ? '_' : b;
			}
			same = a == b;
		}
		if (same && (glob || len == modlen))
			return true;
		p = *sep ? sep + 1 : sep;
	}
	return false;
}

void ka_ns_module_entries(const char *ns, struct strvec *out)
{
	if (!ka_ns_is_module_list(ns))
		return;
	for (const char *p = ns + strlen(KA_MODULE_NS_PREFIX); *p;) {
		size_t l = strcspn(p, ",");
		if (l)
			strvec_push_owned(out, xstrndup(p, l));
		p += l;
		if (*p == ',')
			p++;
	}
}

void ka_export_free(struct ka_export *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->ns);
	free(e->owner);
	free(e->origin);
	free(e);
}

void ka_exportdb_add(struct ka_exportdb *db, struct ka_export *e)
{
	ARRAY_GROW(db->all, db->n, db->cap);
	db->all[db->n++] = e;
	if (!hashmap_get(&db->by_name, e->name))
		hashmap_put(&db->by_name, e->name, e);
}

const struct ka_export *ka_exportdb_find(const struct ka_exportdb *db,
					 const char *name)
{
	return hashmap_get(&db->by_name, name);
}

void ka_exportdb_free(struct ka_exportdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		ka_export_free(db->all[i]);
	free(db->all);
	hashmap_free(&db->by_name);
	*db = (struct ka_exportdb){0};
}
