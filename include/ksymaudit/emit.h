/* Output formats: one emitter per format, each reading the finished run. */
#pragma once

#include <stdio.h>

#include "ksymaudit/run.h"

struct ka_emit_opts {
	bool pretty;   /* JSON: indent */
	bool color;    /* text: ANSI colour */
	bool verbose;  /* text: every site, not grouped */
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

const struct ka_emitter *ka_emitter_find(const char *name);

/* JSON schema version of --format json; bump on incompatible changes. */
#define KA_JSON_SCHEMA_VERSION 1
