/* Output formats: one emitter per format, each reading the finished run. */
#pragma once

#include <stdio.h>

#include "ksymaudit/baseline.h"
#include "ksymaudit/jsonschema.h"
#include "ksymaudit/run.h"

struct ka_emit_opts {
	bool pretty;   /* JSON: indent */
	bool color;    /* text: ANSI colour */
	bool verbose;  /* text: every site, not grouped */
	/* SARIF, Code Quality: where source paths are in the repository. */
	const char *source_root;      /* canonical --source-root, or NULL */
	const char *const *path_maps; /* --path-prefix-map OLD=NEW, in order */
	size_t n_path_maps;
	/* --baseline, already applied to the findings; NULL when none. */
	const struct ka_baseline *baseline;
};

struct ka_emitter {
	const char *name; /* "text", "json", "sarif", "dot" */
	bool paths_only;  /* draws reference paths: tree and explain only */
	/* Writes the report; returns 0 or a negative errno. */
	int (*emit)(FILE *out, const struct ka_run *run,
		    const struct ka_emit_opts *o);
};

extern const struct ka_emitter ka_emit_text;
extern const struct ka_emitter ka_emit_json;
extern const struct ka_emitter ka_emit_sarif;
extern const struct ka_emitter ka_emit_dot; /* src/emit/dot.c */
extern const struct ka_emitter ka_emit_codequality; /* GitLab Code Quality */

const struct ka_emitter *ka_emitter_find(const char *name);

/*
 * A source path as code-scanning services want it (src/emit/paths.c): the
 * first --path-prefix-map whose OLD is a leading part of path replaced by
 * its NEW, then made relative to --source-root when under it (directly or
 * once symbolic links are resolved), then normalised: no ".", "..", or
 * doubled slashes where they can be removed. Caller frees.
 */
char *ka_emit_path(const struct ka_emit_opts *o, const char *path);
/* True when path names an ELF file (module, object, vmlinux), not source. */
bool ka_emit_path_is_binary(const char *path);
/*
 * Where a finding is, for services that show one place in a source file:
 * its file and line unless the file is a binary and a site gives a source
 * line, then that site's. *file NULL: nowhere.
 */
void ka_emit_primary_location(const struct ka_finding *f, const char **file,
			      unsigned *line);
