/*
 * Text emitter: compiler-style diagnostics, "FILE[:LINE]: SEVERITY: MESSAGE
 * [check-id]", each followed by the sites that explain it, identical ones
 * grouped with a count unless verbose.
 */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/emit.h"

#define COLUMN 44

static const char *kind_phrase(enum ka_ref_kind k)
{
	switch (k) {
	case KA_REF_CALL: return "call in";
	case KA_REF_CODE: return "reference in";
	case KA_REF_STATIC_KEY: return "static key tested in";
	case KA_REF_STATIC_CALL: return "static call in";
	case KA_REF_EXTABLE: return "exception-table entry for";
	case KA_REF_ALTINSTR: return "alternative instruction in";
	case KA_REF_BUG: return "bug-table entry for";
	case KA_REF_ANNEX: return "code-patching entry for";
	case KA_REF_DATA: return "pointer stored in";
	}
	return "reference in";
}

static void line(FILE *out, const char *what, const char *file, unsigned ln)
{
	int w = fprintf(out, "  %s", what);

	if (file) {
		fprintf(out, "%*s", w < COLUMN ? COLUMN - w : 2, "");
		if (ln)
			fprintf(out, "%s:%u", file, ln);
		else
			fputs(file, out);
	}
	fputc('\n', out);
}

static void print_site(FILE *out, const struct ka_site *s, size_t count)
{
	const char *fn = s->function ? s->function : "?";
	const char *paren = s->kind == KA_REF_DATA ? "" : "()";
	char *what;

	if (!s->has_debuginfo) {
		what = xasprintf("%s %s%s+0x%llx (%s), no debug info",
				 kind_phrase(s->kind), fn, paren,
				 (unsigned long long)s->offset,
				 s->section ? s->section : "?");
		line(out, what, NULL, 0);
		free(what);
	} else if (!s->n_chain && s->kind == KA_REF_DATA) {
		what = xasprintf("pointer stored in %s (data)", fn);
		line(out, what, s->file, s->line);
		free(what);
	} else if (!s->n_chain) {
		what = xasprintf("referenced directly in %s%s (%s)", fn, paren,
				 ka_ref_kind_name(s->kind));
		line(out, what, s->file, s->line);
		free(what);
		line(out, "(no inline function involved: look for a macro on that line)",
		     NULL, 0);
	} else {
		const struct ka_inline_frame *c = s->chain;

		what = xasprintf("%s %s()", kind_phrase(s->kind), c[0].function);
		line(out, what, s->file, s->line);
		free(what);
		for (size_t i = 1; i < s->n_chain; i++) {
			what = xasprintf("inlined from %s()", c[i].function);
			line(out, what, c[i - 1].call_file, c[i - 1].call_line);
			free(what);
		}
		what = xasprintf("inlined into %s%s", fn, paren);
		line(out, what, c[s->n_chain - 1].call_file,
		     c[s->n_chain - 1].call_line);
		free(what);
	}
	if (count > 1)
		fprintf(out, "  (and %zu more sites like this one)\n", count - 1);
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Same explanation: everything but the address. */
static bool same_site(const struct ka_site *a, const struct ka_site *b)
{
	if (a->kind != b->kind || a->line != b->line ||
	    a->n_chain != b->n_chain || a->has_debuginfo != b->has_debuginfo ||
	    strcmp_null(a->function, b->function) ||
	    strcmp_null(a->file, b->file))
		return false;
	if (!a->has_debuginfo)
		return false; /* only the address tells them apart */
	for (size_t i = 0; i < a->n_chain; i++) {
		const struct ka_inline_frame *x = &a->chain[i], *y = &b->chain[i];
		if (strcmp_null(x->function, y->function) ||
		    strcmp_null(x->call_file, y->call_file) ||
		    x->call_line != y->call_line)
			return false;
	}
	return true;
}

static void print_finding(FILE *out, const struct ka_finding *f,
			  const struct ka_emit_opts *o)
{
	bool *done = f->n_sites ? xcalloc(f->n_sites, sizeof(*done)) : NULL;

	if (f->file && f->line)
		fprintf(out, "%s:%u: ", f->file, f->line);
	else if (f->file)
		fprintf(out, "%s: ", f->file);
	fprintf(out, "%s: %s [%s]", ka_severity_name(f->severity), f->message,
		f->check);
	if (f->waived_by)
		fprintf(out, " (waived: %s)", f->waived_by);
	fputc('\n', out);

	if (f->n_path) {
		fputs("  path:", out);
		for (size_t i = 0; i < f->n_path; i++)
			fprintf(out, "%s%s%s", i ? " -> " : " ",
				i && f->path[i].kind == KA_REF_DATA ? "(data) " : "",
				f->path[i].symbol);
		fputc('\n', out);
	}
	for (size_t i = 0; i < f->n_sites; i++) {
		size_t count = 1;

		if (done[i])
			continue;
		if (!o->verbose) {
			for (size_t j = i + 1; j < f->n_sites; j++) {
				if (!done[j] && same_site(&f->sites[i], &f->sites[j])) {
					done[j] = true;
					count++;
				}
			}
		}
		print_site(out, &f->sites[i], count);
	}
	if (f->note)
		fprintf(out, "  note: %s\n", f->note);
	free(done);
}

static int emit(FILE *out, const struct ka_run *run,
		const struct ka_emit_opts *o)
{
	size_t by_sev[3] = {0}, waived = 0;

	for (size_t i = 0; i < run->findings.n; i++) {
		const struct ka_finding *f = &run->findings.v[i];

		print_finding(out, f, o);
		if (f->waived_by)
			waived++;
		else
			by_sev[f->severity]++;
	}
	fprintf(out, "ksymaudit %s: %zu error%s, %zu warning%s, %zu note%s",
		run->command, by_sev[KA_SEV_ERROR],
		by_sev[KA_SEV_ERROR] == 1 ? "" : "s", by_sev[KA_SEV_WARNING],
		by_sev[KA_SEV_WARNING] == 1 ? "" : "s", by_sev[KA_SEV_NOTE],
		by_sev[KA_SEV_NOTE] == 1 ? "" : "s");
	if (waived)
		fprintf(out, ", %zu waived", waived);
	if (run->n_modules)
		fprintf(out, " in %zu module%s", run->n_modules,
			run->n_modules == 1 ? "" : "s");
	fputc('\n', out);
	return 0;
}

const struct ka_emitter ka_emit_text = { .name = "text", .emit = emit };
