/* Findings as plain data: construction, stable ordering, release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/findings.h"

static const char *const sev_names[] = {
	[KA_SEV_NOTE] = "note",
	[KA_SEV_WARNING] = "warning",
	[KA_SEV_ERROR] = "error",
};

const char *ka_severity_name(enum ka_severity s)
{
	return (unsigned)s < KA_ARRAY_SIZE(sev_names) ? sev_names[s] : "?";
}

bool ka_severity_parse(const char *s, enum ka_severity *out)
{
	for (size_t i = 0; i < KA_ARRAY_SIZE(sev_names); i++) {
		if (!strcmp(s, sev_names[i])) {
			*out = (enum ka_severity)i;
			return true;
		}
	}
	return false;
}

const char *ka_baseline_state_name(enum ka_baseline_state s)
{
	switch (s) {
	case KA_BASELINE_NEW:
		return "new";
	case KA_BASELINE_UNCHANGED:
		return "unchanged";
	case KA_BASELINE_NONE:
		break;
	}
	return NULL;
}

const char *ka_change_name(enum ka_change c)
{
	switch (c) {
	case KA_CHANGE_NEW: return "new";
	case KA_CHANGE_GONE: return "gone";
	case KA_CHANGE_CHANGED: return "changed";
	case KA_CHANGE_NONE: break;
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct ka_finding *ka_finding_add(struct ka_findings *f, const char *check,
				  enum ka_severity sev, const char *module,
				  const char *file, const char *symbol,
				  const char *fmt, ...)
{
	struct ka_finding *x;
	va_list ap;

	ARRAY_GROW(f->v, f->n, f->cap);
	x = &f->v[f->n++];
	*x = (struct ka_finding){0};
	x->check = check;
	x->severity = sev;
	x->module = dup_or_null(module);
	x->file = dup_or_null(file);
	x->symbol = dup_or_null(symbol);
	va_start(ap, fmt);
	x->message = xvasprintf(fmt, ap);
	va_end(ap);
	return x;
}

struct ka_site *ka_finding_add_site(struct ka_finding *f)
{
	struct ka_site *s;

	ARRAY_GROW(f->sites, f->n_sites, f->cap_sites);
	s = &f->sites[f->n_sites++];
	*s = (struct ka_site){0};
	return s;
}

void ka_finding_add_step(struct ka_finding *f, const char *symbol,
			 enum ka_ref_kind kind)
{
	ARRAY_GROW(f->path, f->n_path, f->cap_path);
	f->path[f->n_path++] = (struct ka_path_step){xstrdup(symbol), kind};
}

struct ka_inline_sym *ka_finding_add_symbol(struct ka_finding *f,
					    const struct ka_inline_sym *y)
{
	f->gpl_symbols = xrealloc(f->gpl_symbols, (f->n_gpl_symbols + 1) *
						   sizeof(*f->gpl_symbols));
	struct ka_inline_sym *s = &f->gpl_symbols[f->n_gpl_symbols++];
	ka_inline_sym_copy(s, y);
	return s;
}

struct ka_wrapper_target *ka_finding_add_target(
	struct ka_finding *f, const struct ka_wrapper_target *t)
{
	f->targets = xrealloc(f->targets,
			      (f->n_targets + 1) * sizeof(*f->targets));
	struct ka_wrapper_target *x = &f->targets[f->n_targets++];
	ka_wrapper_target_copy(x, t);
	return x;
}

struct ka_finding *ka_finding_copy(struct ka_findings *dst,
				   const struct ka_finding *src)
{
	struct ka_finding *f = ka_finding_add(dst, src->check, src->severity,
					      src->module, src->file,
					      src->symbol, "%s", src->message);
	f->line = src->line;
	f->count = src->count;
	f->rank = src->rank;
	f->note = dup_or_null(src->note);
	f->score = src->score;
	f->has_score = src->has_score;
	f->old_value = dup_or_null(src->old_value);
	f->new_value = dup_or_null(src->new_value);
	for (size_t i = 0; i < src->n_sites; i++)
		ka_site_copy(ka_finding_add_site(f), &src->sites[i]);
	for (size_t i = 0; i < src->n_path; i++)
		ka_finding_add_step(f, src->path[i].symbol, src->path[i].kind);
	for (size_t i = 0; i < src->n_gpl_symbols; i++)
		ka_finding_add_symbol(f, &src->gpl_symbols[i]);
	for (size_t i = 0; i < src->n_targets; i++)
		ka_finding_add_target(f, &src->targets[i]);
	return f;
}

/* FNV-1a, 64 bits, over s and its terminating NUL (NULL as an empty field). */
static uint64_t fnv(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	do {
		h ^= *p;
		h *= 0x100000001b3ULL;
	} while (*p++);
	return h;
}

char *ka_finding_fingerprint(const struct ka_finding *f, char buf[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv(h, f->check);
	h = fnv(h, f->module);
	h = fnv(h, f->symbol);
	for (size_t i = 0; i < f->n_path; i++)
		h = fnv(h, f->path[i].symbol);
	h = fnv(h, f->file && f->file[0] != '/' ? f->file : NULL);
	snprintf(buf, 17, "%016llx", (unsigned long long)h);
	return buf;
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct ka_finding *a = pa, *b = pb;
	int r;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if ((r = strcmp_null(a->file, b->file)))
		return r;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((r = strcmp_null(a->module, b->module)))
		return r;
	if ((r = strcmp(a->check, b->check)))
		return r;
	if ((r = strcmp_null(a->symbol, b->symbol)))
		return r;
	return strcmp(a->message, b->message);
}

void ka_findings_sort(struct ka_findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
}

void ka_findings_free(struct ka_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		struct ka_finding *x = &f->v[i];
		free(x->module);
		free(x->file);
		free(x->symbol);
		free(x->message);
		free(x->note);
		free(x->old_value);
		free(x->new_value);
		for (size_t j = 0; j < x->n_sites; j++)
			ka_site_clear(&x->sites[j]);
		free(x->sites);
		for (size_t j = 0; j < x->n_path; j++)
			free(x->path[j].symbol);
		free(x->path);
		for (size_t j = 0; j < x->n_gpl_symbols; j++)
			ka_inline_sym_clear(&x->gpl_symbols[j]);
		free(x->gpl_symbols);
		for (size_t j = 0; j < x->n_targets; j++)
			ka_wrapper_target_clear(&x->targets[j]);
		free(x->targets);
	}
	free(f->v);
	*f = (struct ka_findings){0};
}
