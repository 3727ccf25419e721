/*
 * Waivers: reviewed exceptions, read from rules files (ksymaudit-rules(5),
 * WAIVERS); src/checks/waiver-unused.c applies them. One waiver a line:
 *
 *   CHECK-ID  SUBJECT  [where=PATTERN]  reason="TEXT"
 *
 * SUBJECT (symbol or inline) and PATTERN (module name or path) are fnmatch
 * patterns; the reason is mandatory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/input.h"
#include "ksymaudit/rules.h"

static char *next_field(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	char *e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	*p = *e ? e + 1 : e;
	*e = '\0';
	return s;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
			 e[-1] == '\t'))
		e--;
	*e = '\0';
	return s;
}

static bool parse_line(char *line, struct ka_waiver *w, const char **why)
{
	char *r = strstr(line, "reason=\"");
	char *end = r ? strrchr(r + 8, '"') : NULL;
	if (!r || !end) {
		*why = "no reason: a waiver needs reason=\"TEXT\"";
		return false;
	}
	*end = '\0';
	char *reason = trim(r + 8);
	if (!*reason) {
		*why = "empty reason";
		return false;
	}
	if (*trim(end + 1)) {
		*why = "text after the reason";
		return false;
	}
	*r = '\0';
	char *p = line;
	char *check = next_field(&p), *subject = next_field(&p);
	char *where = next_field(&p), *extra = next_field(&p);
	if (!check || !subject) {
		*why = "expected CHECK-ID SUBJECT [where=PATTERN] reason=\"TEXT\"";
		return false;
	}
	if (where && !str_starts(where, "where=")) {
		*why = "expected where=PATTERN or reason=\"TEXT\" after the subject";
		return false;
	}
	if (extra || (where && !where[6])) {
		*why = extra ? "too many fields before the reason"
			     : "empty where= pattern";
		return false;
	}
	*w = (struct ka_waiver){
		.check = xstrdup(check),
		.subject = xstrdup(subject),
		.where = where ? xstrdup(where + 6) : NULL,
		.reason = xstrdup(reason),
	};
	return true;
}

void ka_waivers_parse(const char *path, const char *buf, size_t len,
		      struct ka_rules *r, struct ka_diags *diags)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, l), *s;
		struct ka_waiver w;
		const char *why;

		p = nl ? nl + 1 : end;
		lineno++;
		if (strlen(line) != l) {
			ka_diag_add(diags, false, path, lineno,
				    "malformed waiver skipped: contains a NUL byte");
			free(line);
			continue;
		}
		s = trim(line);
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		if (!parse_line(s, &w, &why)) {
			ka_diag_add(diags, false, path, lineno,
				    "malformed waiver skipped: %s", why);
			free(line);
			continue;
		}
		free(line);
		w.file = xstrdup(path);
		w.line = lineno;
		ARRAY_GROW(r->waivers, r->n_waivers, r->cap_waivers);
		r->waivers[r->n_waivers++] = w;
	}
}

int ka_waivers_load(const char *path, struct ka_rules *r,
		    struct ka_diags *diags)
{
	char *buf, *why;
	size_t len;
	int err = ka_input_read(path, &buf, &len, &why);

	if (err < 0) {
		ka_diag_add(diags, true, path, 0, "%s", why);
		free(why);
		return err;
	}
	ka_waivers_parse(path, buf, len, r, diags);
	free(buf);
	return 0;
}
