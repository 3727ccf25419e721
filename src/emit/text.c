/*
 * Text emitter: compiler-style diagnostics, "FILE[:LINE]: SEVERITY: MESSAGE
 * [check-id]", each followed by the sites that explain it, identical ones
 * grouped with a count unless verbose.
 */
#include <stdio.h>
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

/*
 * True when line ln of file names symbol as an identifier: the source
 * simply refers to it, no macro needs looking for. False when the file
 * cannot be read.
 */
static bool line_names(const char *file, unsigned ln, const char *symbol)
{
	if (!file || !ln || !symbol)
		return false;
	FILE *f = fopen(file, "r");
	if (!f)
		return false;
	char buf[4096];
	bool found = false;
	for (unsigned i = 1; fgets(buf, sizeof(buf), f); ) {
		size_t n = strlen(buf);
		if (i == ln) {
			size_t sl = strlen(symbol);
			for (const char *p = buf; (p = strstr(p, symbol)); p++) {
				char b = p > buf ? p[-1] : ' ', a = p[sl];
				bool id_b = b == '_' || (b >= '0' && b <= '9') ||
					    ((b | 32) >= 'a' && (b | 32) <= 'z');
				bool id_a = a == '_' || (a >= '0' && a <= '9') ||
					    ((a | 32) >= 'a' && (a | 32) <= 'z');
				if (!id_b && !id_a) {
					found = true;
					break;
				}
			}
			break;
		}
		if (n && buf[n - 1] == '\n')
			i++;
	}
	fclose(f);
	return found;
}

static void print_site(FILE *out, const struct ka_site *s, size_t count,
		       const char *symbol)
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
		if (symbol && !line_names(s->file, s->line, symbol))
			line(out, "(no inline function involved: look for a "
				  "macro on that line)", NULL, 0);
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

/* A frame of a header inline (declared under an include/ directory). */
static bool header_frame(const struct ka_inline_frame *fr)
{
	return fr->decl_file && (!strncmp(fr->decl_file, "include/", 8) ||
				 strstr(fr->decl_file, "/include/"));
}

/* The frames that make the cause: the header inlines, innermost first,
 * or the whole chain when no header inline is in it. */
static size_t cause_frames(const struct ka_site *s, size_t *first)
{
	size_t n = 0;
	*first = 0;
	while (n < s->n_chain && header_frame(&s->chain[n]))
		n++;
	return n ? n : s->n_chain;
}

/*
 * Same cause: the same kind of reference through the same header inlines
 * (wherever the module inlined them), or a pointer stored in data.
 */
static bool same_cause(const struct ka_site *a, const struct ka_site *b)
{
	if (a->kind != b->kind || a->has_debuginfo != b->has_debuginfo ||
	    !a->has_debuginfo)
		return false;
	if (!a->n_chain && !b->n_chain)
		return true;
	size_t fa, fb, na = cause_frames(a, &fa), nb = cause_frames(b, &fb);
	if (na != nb || !na)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp_null(a->chain[fa + i].function,
				b->chain[fb + i].function))
			return false;
	return true;
}

/* Where the site is in the module's own code: the outermost call site. */
static void site_place(const struct ka_site *s, const char **file,
		       unsigned *ln)
{
	*file = s->n_chain ? s->chain[s->n_chain - 1].call_file : s->file;
	*ln = s->n_chain ? s->chain[s->n_chain - 1].call_line : s->line;
}

#define EXAMPLES 3

/* "(N sites like this in M functions, e.g. …)" for a group. */
static void print_group(FILE *out, const struct ka_finding *f,
			const size_t *idx, size_t n)
{
	size_t funcs = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp_null(f->sites[idx[i]].function,
					    f->sites[idx[j]].function);
		funcs += !seen;
	}
	bool data = f->sites[idx[0]].kind == KA_REF_DATA;
	fprintf(out, "  (%zu sites like this in %zu %s%s, e.g.", n, funcs,
		data ? "object" : "function", funcs == 1 ? "" : "s");
	/* Examples at other places than those already shown, other
	 * functions first. */
	bool *used = xcalloc(n, sizeof(*used));
	size_t shown = 0;
	used[0] = true;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 1; i < n && shown < EXAMPLES; i++) {
			const struct ka_site *s = &f->sites[idx[i]];
			const char *file;
			unsigned ln;
			site_place(s, &file, &ln);
			bool skip = used[i];
			for (size_t j = 0; j < n && !skip; j++) {
				if (!used[j])
					continue;
				const struct ka_site *t = &f->sites[idx[j]];
				const char *tf;
				unsigned tl;
				site_place(t, &tf, &tl);
				bool same_fn = !strcmp_null(t->function, s->function);
				skip = pass == 0 ? same_fn
						 : same_fn && tl == ln &&
							   !strcmp_null(tf, file);
			}
			if (skip)
				continue;
			used[i] = true;
			fprintf(out, "%s %s%s", shown ? "," : "",
				s->function ? s->function : "?",
				data ? "" : "()");
			if (file && ln)
				fprintf(out, " %s:%u", file, ln);
			shown++;
		}
	}
	free(used);
	fprintf(out, "%s; -v lists all)\n", n > shown + 1 ? ", …" : "");
}

/* -v: every GPL-only symbol of an inline, every target of a wrapper. */
static void print_details(FILE *out, const struct ka_finding *f)
{
	for (size_t i = 0; i < f->n_gpl_symbols; i++) {
		const struct ka_inline_sym *y = &f->gpl_symbols[i];
		fprintf(out, "  symbol %s: in %u of %u instances", y->symbol,
			ka_inline_sym_own_instances(y), y->inline_instances);
		for (size_t k = 0; k < y->via.n; k++)
			fprintf(out, "%s%s", k ? ", " : ", via ", y->via.v[k]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < f->n_targets; i++) {
		const struct ka_wrapper_target *t = &f->targets[i];
		fprintf(out, "  target %s:", t->symbol);
		for (size_t k = 0; k < t->n_steps; k++)
			fprintf(out, "%s%s (%s)", k ? " ->" : " ",
				t->steps[k].symbol,
				ka_ref_kind_name(t->steps[k].kind));
		fputc('\n', out);
	}
	if (f->has_score)
		fprintf(out, "  score: %.3f\n", f->score);
}

static void print_finding(FILE *out, const struct ka_finding *f,
			  const struct ka_emit_opts *o)
{
	bool *done = f->n_sites ? xcalloc(f->n_sites, sizeof(*done)) : NULL;

	if (f->file && f->line)
		fprintf(out, "%s:%u: ", f->file, f->line);
	else if (f->file)
		fprintf(out, "%s: ", f->file);
	fprintf(out, "%s: %s%s%s [%s]", ka_severity_name(f->severity),
		f->change ? ka_change_name(f->change) : "",
		f->change ? ": " : "", f->message, f->check);
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
	size_t *group = f->n_sites ? xcalloc(f->n_sites, sizeof(*group)) : NULL;
	for (size_t i = 0; i < f->n_sites; i++) {
		size_t count = 1, n = 0;

		if (done[i])
			continue;
		if (o->verbose) {
			print_site(out, &f->sites[i], 1,
				   f->n_path ? NULL : f->symbol);
			continue;
		}
		/* Each cause once: the first site in full, then the others. */
		group[n++] = i;
		for (size_t j = i + 1; j < f->n_sites; j++) {
			if (done[j])
				continue;
			if (same_site(&f->sites[i], &f->sites[j]))
				count++;
			else if (!same_cause(&f->sites[i], &f->sites[j]))
				continue;
			done[j] = true;
			group[n++] = j;
		}
		/* Only identical sites: "(and N more sites like this one)".
		 * The macro hint is for a module's use of the symbol, not for
		 * the steps of a path (export-wrapper): those are the
		 * function's own code. */
		print_site(out, &f->sites[i], n == count ? count : 1,
			   f->n_path ? NULL : f->symbol);
		if (n > count || (n > 1 && n != count))
			print_group(out, f, group, n);
	}
	if (f->old_value || f->new_value)
		fprintf(out, "  was %s, now %s\n",
			f->old_value ? f->old_value : "not exported",
			f->new_value ? f->new_value : "not exported");
	if (o->verbose)
		print_details(out, f);
	if (f->note)
		fprintf(out, "  note: %s\n", f->note);
	free(group);
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
