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

static int emit_codequality(FILE *out, const struct ka_run *run,
			    const struct ka_emit_opts *o)
{
	static const struct ka_emit_opts none = {0};
	const struct ka_findings *fs = &run->findings;
	struct json_object *root = json_object_new_array();
	char (*fps)[17] = xcalloc(fs->n ? fs->n : 1, sizeof(*fps));

	o = o ? o : &none;
	for (size_t i = 0; i < fs->n; i++)
		ka_finding_fingerprint(&fs->v[i], fps[i]);
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].waived_by)
			continue; /* reviewed: GitLab has no suppressions */
		/* GitLab keeps one issue per fingerprint: the n-th finding
		 * with the same identity gets "-n". */
		unsigned dup = 1;
		for (size_t j = 0; j < i; j++)
			dup += !fs->v[j].waived_by && !strcmp(fps[j], fps[i]);
		char *fp = dup > 1 ? xasprintf("%s-%u", fps[i], dup)
				   : xstrdup(fps[i]);
		json_object_array_add(root, issue_json(&fs->v[i], o, fp));
		free(fp);
	}
	free(fps);
	return ka_json_write(out, root, o->pretty);
}

const struct ka_emitter ka_emit_codequality = {
	.name = "codequality",
	.emit = emit_codequality,
};
