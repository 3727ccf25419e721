/*
 * Graphviz DOT emitter: the paths of export-wrapper and explain findings
 * and the inline chains of inline-exposure ones, as one directed graph.
 * Boxes are exports, ellipses header inlines, the GPL-only end red.
 */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/emit.h"

static void quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fputc(' ', out);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *kind_label(enum ka_ref_kind k)
{
	switch (k) {
	case KA_REF_CALL: return "call";
	case KA_REF_DATA: return "data";
	case KA_REF_STATIC_KEY: return "static key";
	default: return ka_ref_kind_name(k);
	}
}

static bool is_inline_check(const char *c)
{
	return !strcmp(c, "inline-exposure") || !strcmp(c, "explain-inline");
}

static void node(FILE *out, const char *name, const char *shape,
		 const char *color, const char *sub)
{
	fputs("  ", out);
	quoted(out, name);
	fprintf(out, " [shape=%s%s%s", shape, color ? ", color=" : "",
		color ? color : "");
	if (sub) {
		char *label = xasprintf("%s\\n%s", name, sub);
		fputs(", label=\"", out);
		for (const char *p = label; *p; p++)
			if (*p == '"')
				fputs("\\\"", out);
			else
				fputc(*p, out);
		fputc('"', out);
		free(label);
	}
	fputs("];\n", out);
}

static void edge(FILE *out, const char *a, const char *b, const char *label)
{
	fputs("  ", out);
	quoted(out, a);
	fputs(" -> ", out);
	quoted(out, b);
	fputs(" [label=", out);
	quoted(out, label);
	fputs("];\n", out);
}

static int emit_dot(FILE *out, const struct ka_run *run,
		    const struct ka_emit_opts *o)
{
	(void)o;
	fputs("digraph ksymaudit {\n  rankdir=LR;\n"
	      "  node [fontname=\"monospace\"];\n", out);
	if (run->explain_symbol)
		node(out, run->explain_symbol, "doubleoctagon", "red", NULL);
	for (size_t i = 0; i < run->findings.n; i++) {
		const struct ka_finding *f = &run->findings.v[i];
		if (!f->symbol || !f->n_path)
			continue;
		bool inl = is_inline_check(f->check);
		char *where = f->file ? (f->line ? xasprintf("%s:%u", f->file,
							   f->line)
						 : xstrdup(f->file))
				      : NULL;
		node(out, f->symbol, inl ? "ellipse" : "box",
		     f->waived_by ? "gray" : NULL, where);
		free(where);
		if (inl) {
			/* inline -> inner inlines -> each GPL-only symbol. */
			for (size_t k = 0; k < f->n_path; k++) {
				const struct ka_path_step *s = &f->path[k];
				if (s->kind == KA_REF_CALL) {
					node(out, s->symbol, "ellipse", NULL, NULL);
					edge(out, f->symbol, s->symbol, "inlines");
				} else {
					node(out, s->symbol, "box", "red", NULL);
					edge(out, f->symbol, s->symbol, "references");
				}
			}
			continue;
		}
		const char *prev = f->symbol;
		for (size_t k = 0; k < f->n_path; k++) {
			const struct ka_path_step *s = &f->path[k];
			if (k + 1 == f->n_path)
				node(out, s->symbol, "box", "red", NULL);
			edge(out, prev, s->symbol, kind_label(s->kind));
			prev = s->symbol;
		}
	}
	fputs("}\n", out);
	return ferror(out) ? -5 : 0;
}

const struct ka_emitter ka_emit_dot = {
	.name = "dot",
	.paths_only = true,
	.emit = emit_dot,
};
