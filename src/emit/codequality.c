/*
 * --format codequality: the GitLab Code Quality report that the merge
 * request widget reads (a JSON array of issues: description, check_name,
 * fingerprint, severity, location.path relative to the repository and
 * location.lines.begin). GitLab compares the reports of the target branch
 * and the change itself, so every unwaived finding is listed.
 */
#include <stdlib.h>

#include "ksymaudit/emit.h"
#include "jsonutil.h"

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

/* GitLab's scale: info, minor, major, critical, blocker. An error is a
 * module that will not load; a warning a risk for modules built later. */
static const char *severity_name(enum ka_severity s)
{
	switch (s) {
	case KA_SEV_ERROR:
		return "critical";
	case KA_SEV_WARNING:
		return "major";
	case KA_SEV_NOTE:
		break;
	}
	return "info";
}

static struct json_object *issue_json(const struct ka_finding *f,
				      const struct ka_emit_opts *o,
				      const char *fingerprint)
{
	struct json_object *i = json_object_new_object();
	struct json_object *loc = json_object_new_object();
	struct json_object *lines = json_object_new_object();
	const char *file;
	unsigned line;

	char *desc = xasprintf("%s [%s]", f->message ? f->message : "", f->check);
	add(i, "description", ka_json_string(desc));
	free(desc);
	add(i, "check_name", ka_json_string(f->check));
	add(i, "fingerprint", json_object_new_string(fingerprint));
	add(i, "severity", json_object_new_string(severity_name(f->severity)));
	ka_emit_primary_location(f, &file, &line);
	char *path = ka_emit_path(o, file ? file : ".");
	add(loc, "path", ka_json_string(path));
	free(path);
	/* lines.begin is required; a finding about a whole file is at 1. */
	add(lines, "begin", json_object_new_int64(line > 0 ? line : 1));
	add(loc, "lines", lines);
	add(i, "location", loc);
	return i;
}

struct fp_ref {
	char fp[17];
	size_t index;
};

static int cmp_fp_ref(const void *a, const void *b)
{
	const struct fp_ref *x = a, *y = b;
	int r = strcmp(x->fp, y->fp);
	return r ? r : (x->index > y->index) - (x->index < y->index);
}

static int emit_codequality(FILE *out, const struct ka_run *run,
			    const struct ka_emit_opts *o)
{
	static const struct ka_emit_opts none = {0};
	const struct ka_findings *fs = &run->findings;
	struct json_object *root = json_object_new_array();
	struct fp_ref *refs = xcalloc(fs->n ? fs->n : 1, sizeof(*refs));
	unsigned *dup = xcalloc(fs->n ? fs->n : 1, sizeof(*dup));
	size_t n = 0;

	o = o ? o : &none;
	/* GitLab keeps one issue per fingerprint: the n-th unwaived finding
	 * with the same identity (in report order) gets "-n". */
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].waived_by)
			continue; /* reviewed: GitLab has no suppressions */
		ka_finding_fingerprint(&fs->v[i], refs[n].fp);
		refs[n++].index = i;
	}
	if (n > 1)
		qsort(refs, n, sizeof(*refs), cmp_fp_ref);
	for (size_t k = 0; k < n; k++)
		dup[refs[k].index] = k && !strcmp(refs[k - 1].fp, refs[k].fp)
					     ? dup[refs[k - 1].index] + 1 : 1;
	for (size_t i = 0; i < fs->n; i++) {
		char fp[17];
		if (fs->v[i].waived_by)
			continue;
		ka_finding_fingerprint(&fs->v[i], fp);
		char *id = dup[i] > 1 ? xasprintf("%s-%u", fp, dup[i]) : xstrdup(fp);
		json_object_array_add(root, issue_json(&fs->v[i], o, id));
		free(id);
	}
	free(refs);
	free(dup);
	return ka_json_write(out, root, o->pretty);
}

const struct ka_emitter ka_emit_codequality = {
	.name = "codequality",
	.emit = emit_codequality,
};
