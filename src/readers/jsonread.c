/*
 * Reading ksymaudit's JSON reports back: the document (size, depth,
 * trailing data), its head (schema version, command) and type-checked
 * members, with one message style for every reader (jsonread.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "jsonread.h"
#include "ksymaudit/input.h"

void ka_jread_bad(struct ka_jread *c, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	if (!c->bad)
		ka_diag_add(c->diags, true, c->path, 0, "%s: %s%s%s", c->label,
			    where ? where : "", where ? ": " : "", m);
	c->bad = true;
	free(m);
}

json_object *ka_jread_parse(struct ka_jread *c, const char *buf, size_t len)
{
	if (len == 0) {
		ka_jread_bad(c, NULL, "empty file");
		return NULL;
	}
	if (len > KA_JREAD_MAX_BYTES || len > INT_MAX) {
		ka_jread_bad(c, NULL, "larger than %zu MiB",
			     KA_JREAD_MAX_BYTES >> 20);
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new_ex(KA_JREAD_MAX_DEPTH);
	if (!tok)
		abort(); /* out of memory, as xmalloc */
	json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (!root && err == json_tokener_continue) {
		/* A top-level literal or number ends only where the text
		 * does: tell json-c it has all of it. */
		json_object *last = json_tokener_parse_ex(tok, "", 1);
		if (json_tokener_get_error(tok) == json_tokener_success) {
			root = last;
			err = json_tokener_success;
		} else {
			json_object_put(last);
		}
	}
	json_tokener_free(tok);
	if (!root && err == json_tokener_success) {
		/* The document is JSON null. */
		ka_jread_bad(c, NULL, "not a ksymaudit JSON report (not a JSON "
			     "object)");
		return NULL;
	}
	if (!root || err != json_tokener_success) {
		ka_jread_bad(c, NULL, "not a JSON document: %s at byte %zu",
			     err == json_tokener_continue
				     ? "unexpected end of file"
				     : json_tokener_error_desc(err),
			     end);
		json_object_put(root);
		return NULL;
	}
	/* Only white space may follow the document. */
	while (end < len && buf[end] && strchr(" \t\r\n", buf[end]))
		end++;
	if (end < len) {
		ka_jread_bad(c, NULL, "not a JSON document: trailing data at "
			     "byte %zu", end);
		json_object_put(root);
		return NULL;
	}
	return root;
}

json_object *ka_jread_file(struct ka_jread *c, int *err)
{
	char *buf, *why;
	size_t len;
	int r = ka_input_read(c->path, &buf, &len, &why);
	if (r < 0) {
		/* strerror's "Is a directory", as for every other failure. */
		ka_jread_bad(c, NULL, "%s", r == -EISDIR ? strerror(EISDIR) : why);
		free(why);
		*err = r;
		return NULL;
	}
	json_object *root = ka_jread_parse(c, buf, len);
	free(buf);
	*err = root ? 0 : -EINVAL;
	return root;
}

bool ka_jread_head(struct ka_jread *c, json_object *root, unsigned oldest,
		   const char **command)
{
	*command = NULL;
	if (!json_object_is_type(root, json_type_object)) {
		ka_jread_bad(c, NULL, "not a ksymaudit JSON report (not a JSON "
			     "object)");
		return false;
	}
	if (!ka_jread_member(root, "schema_version")) {
		ka_jread_bad(c, NULL, "not a ksymaudit JSON report (no "
			     "'schema_version'; write it with -j)");
		return false;
	}
	uint64_t ver;
	if (!ka_jread_uint(c, root, NULL, "schema_version", INT_MAX, &ver) ||
	    !ka_jread_str(c, root, NULL, "command", false, command))
		return false;
	if (ver < oldest || ver > KA_JSON_SCHEMA_VERSION) {
		ka_jread_bad(c, NULL, "schema_version %llu is not supported "
			     "(this ksymaudit reads %u to %d)",
			     (unsigned long long)ver, oldest,
			     KA_JSON_SCHEMA_VERSION);
		return false;
	}
	return true;
}

json_object *ka_jread_member(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Absent or JSON null. */
static bool null_member(json_object *v)
{
	return !v || json_object_is_type(v, json_type_null);
}

bool ka_jread_str(struct ka_jread *c, json_object *o, const char *where,
		  const char *key, bool required, const char **out)
{
	json_object *v = ka_jread_member(o, key);
	*out = NULL;
	if (null_member(v)) {
		if (required)
			ka_jread_bad(c, where, "'%s' is missing", key);
		return !required;
	}
	if (!json_object_is_type(v, json_type_string)) {
		ka_jread_bad(c, where, "'%s' is not a string", key);
		return false;
	}
	const char *s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v)) {
		ka_jread_bad(c, where, "'%s' contains a NUL byte", key);
		return false;
	}
	*out = s;
	return true;
}

bool ka_jread_uint(struct ka_jread *c, json_object *o, const char *where,
		   const char *key, uint64_t max, uint64_t *out)
{
	json_object *v = ka_jread_member(o, key);
	*out = 0;
	if (null_member(v))
		return true;
	if (!json_object_is_type(v, json_type_int)) {
		ka_jread_bad(c, where, "'%s' is not an integer", key);
		return false;
	}
	int64_t i = json_object_get_int64(v);
	if (i < 0) {
		ka_jread_bad(c, where, "'%s' is negative", key);
		return false;
	}
	uint64_t u = (uint64_t)i;
	if (i == INT64_MAX) /* json-c saturates: read it as unsigned */
		u = json_object_get_uint64(v);
	if (u > max) {
		ka_jread_bad(c, where, "'%s' is too large", key);
		return false;
	}
	*out = u;
	return true;
}

bool ka_jread_bool(struct ka_jread *c, json_object *o, const char *where,
		   const char *key, bool *out)
{
	json_object *v = ka_jread_member(o, key);
	*out = false;
	if (null_member(v))
		return true;
	if (!json_object_is_type(v, json_type_boolean)) {
		ka_jread_bad(c, where, "'%s' is not a boolean", key);
		return false;
	}
	*out = json_object_get_boolean(v);
	return true;
}

bool ka_jread_double(struct ka_jread *c, json_object *o, const char *where,
		     const char *key, double *out, bool *present)
{
	json_object *v = ka_jread_member(o, key);
	*out = 0;
	*present = false;
	if (null_member(v))
		return true;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int)) {
		ka_jread_bad(c, where, "'%s' is not a number", key);
		return false;
	}
	*out = json_object_get_double(v);
	*present = true;
	return true;
}

json_object *ka_jread_array(struct ka_jread *c, json_object *o,
			    const char *where, const char *key, bool required)
{
	json_object *v = ka_jread_member(o, key);
	if (null_member(v)) {
		if (required)
			ka_jread_bad(c, where, "'%s' is missing", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_array)) {
		ka_jread_bad(c, where, "'%s' is not an array", key);
		return NULL;
	}
	return v;
}

json_object *ka_jread_elem(struct ka_jread *c, json_object *a, size_t i,
			   const char *what, char **where)
{
	json_object *o = json_object_array_get_idx(a, i);
	*where = xasprintf("%s[%zu]", what, i);
	if (!o || !json_object_is_type(o, json_type_object)) {
		ka_jread_bad(c, *where, "not an object");
		return NULL;
	}
	return o;
}

bool ka_jread_strings(struct ka_jread *c, json_object *o, const char *where,
		      const char *key, struct strvec *sv)
{
	json_object *a = ka_jread_array(c, o, where, key, false);
	if (c->bad)
		return false;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);
		if (!s || !json_object_is_type(s, json_type_string) ||
		    strlen(json_object_get_string(s)) !=
			    (size_t)json_object_get_string_len(s)) {
			ka_jread_bad(c, where, "'%s[%zu]' is not a string", key,
				     i);
			return false;
		}
		strvec_push(sv, json_object_get_string(s));
	}
	return true;
}

bool ka_jread_kind(struct ka_jread *c, json_object *o, const char *where,
		   enum ka_ref_kind *k)
{
	const char *s;
	*k = KA_REF_CODE;
	if (!ka_jread_str(c, o, where, "kind", false, &s))
		return false;
	if (!s)
		return true;
	for (unsigned i = KA_REF_CALL; i <= KA_REF_DATA; i++)
		if (!strcmp(ka_ref_kind_name((enum ka_ref_kind)i), s)) {
			*k = (enum ka_ref_kind)i;
			return true;
		}
	ka_jread_bad(c, where, "unknown reference kind '%s'", s);
	return false;
}
