/*
 * Internal to src/readers/: reading ksymaudit's own JSON reports back
 * (jsonread.c), shared by the tree-report reader (report.c) and the
 * baseline reader (baseline.c). Reports travel as CI artifacts, so every
 * member's type is checked and every problem is one fatal diagnostic
 * "PATH: LABEL: WHERE: what is wrong"; after the first, the readers stop.
 */
#pragma once

#include <json-c/json.h>

#include "ksymaudit/common.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/jsonschema.h"

/* Nothing we write nests deeper than a few levels. */
#define KA_JREAD_MAX_DEPTH 32
/* A whole-kernel report with every site is tens of MB; json-c takes an int. */
#define KA_JREAD_MAX_BYTES ((size_t)1 << 30)

struct ka_jread {
	const char *path;       /* the report, in every message */
	const char *label;      /* "report", "baseline": each message's first word */
	struct ka_diags *diags;
	bool bad;               /* a problem was reported */
};

/* Reports a problem at where (a member path, or NULL for the document);
 * only the first one is recorded. */
void ka_jread_bad(struct ka_jread *c, const char *where, const char *fmt, ...)
	KA_PRINTF(3, 4);

/*
 * Parses buf (len bytes, at most KA_JREAD_MAX_BYTES) as one JSON document
 * nested at most KA_JREAD_MAX_DEPTH deep, followed only by white space.
 * Returns the root (owned by the caller) or NULL with the problem reported.
 */
json_object *ka_jread_parse(struct ka_jread *c, const char *buf, size_t len);
/* The same for the file at c->path, read through ka_input_read (a FIFO or
 * device is refused, not waited on); *err: a negative errno on failure. */
json_object *ka_jread_file(struct ka_jread *c, int *err);
/*
 * The head of a report: an object whose "schema_version" is an integer in
 * [oldest, KA_JSON_SCHEMA_VERSION]; *command is its "command" member (NULL
 * when absent). False with the problem reported otherwise.
 */
bool ka_jread_head(struct ka_jread *c, json_object *root, unsigned oldest,
		   const char **command);

/* Member key of o, or NULL when absent. */
json_object *ka_jread_member(json_object *o, const char *key);
/*
 * Typed members. Absent or JSON null: *out NULL / 0 / false, which is a
 * problem only for a required string. Each returns false when it reported
 * a problem. Strings are json-c's (valid while the document is) and hold
 * no NUL byte.
 */
bool ka_jread_str(struct ka_jread *c, json_object *o, const char *where,
		  const char *key, bool required, const char **out);
bool ka_jread_uint(struct ka_jread *c, json_object *o, const char *where,
		   const char *key, uint64_t max, uint64_t *out);
bool ka_jread_bool(struct ka_jread *c, json_object *o, const char *where,
		   const char *key, bool *out);
/* A number (integer or not); *present false when absent or null. */
bool ka_jread_double(struct ka_jread *c, json_object *o, const char *where,
		     const char *key, double *out, bool *present);
/* An array member: NULL when absent or null (a problem when required) or
 * not an array (reported). */
json_object *ka_jread_array(struct ka_jread *c, json_object *o,
			    const char *where, const char *key, bool required);
/* Element i of array a as an object, or NULL (reported); *where is set to
 * "what[i]" either way (caller frees). */
json_object *ka_jread_elem(struct ka_jread *c, json_object *a, size_t i,
			   const char *what, char **where);
/* An array of strings appended to sv (absent: nothing). */
bool ka_jread_strings(struct ka_jread *c, json_object *o, const char *where,
		      const char *key, struct strvec *sv);
/* A reference kind by name ("call", "data", …); absent: KA_REF_CODE. */
bool ka_jread_kind(struct ka_jread *c, json_object *o, const char *where,
		   enum ka_ref_kind *k);
