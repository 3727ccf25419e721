/* Helpers shared by the JSON and SARIF emitters (defined in json.c). */
#pragma once

#include <stdio.h>

#include <json-c/json.h>

#include "ksymaudit/common.h"
#include "ksymaudit/findings.h"

/*
 * Copy of s in which every byte that is not part of valid UTF-8 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF) is replaced with
 * U+FFFD, so json-c always produces valid JSON. Caller frees.
 */
char *ka_utf8_sanitize(const char *s);
/* A JSON string of the sanitized s, or JSON null when s is NULL. */
struct json_object *ka_json_string(const char *s);
/* A JSON number when n > 0, else JSON null. */
struct json_object *ka_json_line(unsigned n);
/* ["+xz", "-zstd", …]: the compiled-in features, as --version prints them. */
struct json_object *ka_json_features(void);
/*
 * Serializes root and writes it to out with one fputs, followed by a
 * newline; takes ownership of root. Returns 0 or -EIO.
 */
int ka_json_write(FILE *out, struct json_object *root, bool pretty);
/*
 * inline-exposure's gpl_symbols ([{symbol, instances, inline_instances,
 * via}]) and export-wrapper's targets ([{symbol, path: [{symbol, kind}]}])
 * of a finding, for the JSON findings and SARIF result properties.
 */
struct json_object *ka_json_gpl_symbols(const struct ka_finding *f);
struct json_object *ka_json_targets(const struct ka_finding *f);
/* tree: adds "exports", "inline_uses" and "reach" from run (run->kfacts set). */
struct ka_run;
void ka_json_kernel_facts(struct json_object *root, const struct ka_run *run);
