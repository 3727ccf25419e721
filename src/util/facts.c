/*
 * Kernel facts as plain data (include/ksymaudit/facts.h): sites, inline
 * uses, wrappers, reach and explain paths; copies, release and order.
 */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/blob.h"
#include "ksymaudit/facts.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static const char *const kind_names[] = {
	[KA_REF_CALL] = "call",
	[KA_REF_CODE] = "code",
	[KA_REF_STATIC_KEY] = "static-key",
	[KA_REF_STATIC_CALL] = "static-call",
	[KA_REF_EXTABLE] = "exception-table",
	[KA_REF_ALTINSTR] = "alternative",
	[KA_REF_BUG] = "bug-table",
	[KA_REF_ANNEX] = "annex",
	[KA_REF_DATA] = "data",
};

const char *ka_ref_kind_name(enum ka_ref_kind k)
{
	return (unsigned)k < KA_ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

void ka_inline_chain_push(struct ka_site *s, const char *function,
			  const char *decl_file, unsigned decl_line,
			  const char *call_file, unsigned call_line)
{
	struct ka_inline_frame *fr;

	s->chain = xrealloc(s->chain, (s->n_chain + 1) * sizeof(*s->chain));
	fr = &s->chain[s->n_chain++];
	fr->function = dup_or_null(function);
	fr->decl_file = dup_or_null(decl_file);
	fr->decl_line = decl_line;
	fr->call_file = dup_or_null(call_file);
	fr->call_line = call_line;
}

void ka_site_clear(struct ka_site *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_chain; i++) {
		free(s->chain[i].function);
		free(s->chain[i].decl_file);
		free(s->chain[i].call_file);
	}
	free(s->chain);
	free(s->function);
	free(s->file);
	free(s->section);
	*s = (struct ka_site){0};
}

void ka_site_copy(struct ka_site *to, const struct ka_site *from)
{
	*to = *from;
	to->function = dup_or_null(from->function);
	to->file = dup_or_null(from->file);
	to->section = dup_or_null(from->section);
	to->chain = NULL;
	to->n_chain = 0;
	for (size_t k = 0; k < from->n_chain; k++) {
		const struct ka_inline_frame *fr = &from->chain[k];
		ka_inline_chain_push(to, fr->function, fr->decl_file,
				     fr->decl_line, fr->call_file, fr->call_line);
	}
}

static void steps_free(struct ka_path_step *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].symbol);
	free(v);
}

void ka_inline_sym_clear(struct ka_inline_sym *y)
{
	if (!y)
		return;
	free(y->symbol);
	strvec_free(&y->via);
	*y = (struct ka_inline_sym){ 0 };
}

void ka_inline_sym_copy(struct ka_inline_sym *to,
			const struct ka_inline_sym *from)
{
	*to = *from;
	to->symbol = xstrdup(from->symbol);
	to->via = (struct strvec){ 0 };
	for (size_t k = 0; k < from->via.n; k++)
		strvec_push(&to->via, from->via.v[k]);
}

const struct ka_inline_sym *ka_inline_use_find(const struct ka_inline_use *u,
					       const char *symbol)
{
	for (size_t i = 0; i < u->n_syms; i++)
		if (!strcmp(u->syms[i].symbol, symbol))
			return &u->syms[i];
	return NULL;
}

void ka_inline_use_free(struct ka_inline_use *u)
{
	if (!u)
		return;
	free(u->function);
	free(u->decl_file);
	for (size_t k = 0; k < u->n_syms; k++)
		ka_inline_sym_clear(&u->syms[k]);
	free(u->syms);
	strvec_free(&u->inner);
	free(u->example_file);
	free(u->example_object);
	free(u->example_function);
	free(u);
}

void ka_wrapper_target_step(struct ka_wrapper_target *t, const char *symbol,
			    enum ka_ref_kind kind)
{
	t->steps = xrealloc(t->steps, (t->n_steps + 1) * sizeof(*t->steps));
	t->steps[t->n_steps++] = (struct ka_path_step){ xstrdup(symbol), kind };
}

void ka_wrapper_target_clear(struct ka_wrapper_target *t)
{
	if (!t)
		return;
	free(t->symbol);
	steps_free(t->steps, t->n_steps);
	*t = (struct ka_wrapper_target){ 0 };
}

void ka_wrapper_target_copy(struct ka_wrapper_target *to,
			    const struct ka_wrapper_target *from)
{
	*to = (struct ka_wrapper_target){ .symbol = xstrdup(from->symbol) };
	for (size_t k = 0; k < from->n_steps; k++)
		ka_wrapper_target_step(to, from->steps[k].symbol,
				       from->steps[k].kind);
}

void ka_wrapper_fact_clear(struct ka_wrapper_fact *w)
{
	if (!w)
		return;
	free(w->object);
	free(w->owner);
	free(w->symbol);
	for (size_t k = 0; k < w->n_steps; k++)
		ka_site_clear(&w->sites[k]);
	steps_free(w->steps, w->n_steps);
	free(w->sites);
	strvec_free(&w->reached);
	for (size_t k = 0; k < w->n_targets; k++)
		ka_wrapper_target_clear(&w->targets[k]);
	free(w->targets);
	*w = (struct ka_wrapper_fact){ 0 };
}

void ka_reach_fact_clear(struct ka_reach_fact *x)
{
	if (!x)
		return;
	free(x->owner);
	free(x->function);
	free(x->gpl_export);
	strvec_free(&x->plain_path);
	*x = (struct ka_reach_fact){ 0 };
}

void ka_explain_path_clear(struct ka_explain_path *p)
{
	if (!p)
		return;
	free(p->object);
	steps_free(p->steps, p->n_steps);
	*p = (struct ka_explain_path){ 0 };
}

void ka_kfacts_free(struct ka_kfacts *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_uses; i++)
		ka_inline_use_free(f->uses[i]);
	free(f->uses);
	for (size_t i = 0; i < f->n_wrappers; i++)
		ka_wrapper_fact_clear(&f->wrappers[i]);
	free(f->wrappers);
	for (size_t i = 0; i < f->n_reach; i++)
		ka_reach_fact_clear(&f->reach[i]);
	free(f->reach);
	for (size_t i = 0; i < f->n_paths; i++)
		ka_explain_path_clear(&f->paths[i]);
	free(f->paths);
	*f = (struct ka_kfacts){ 0 };
}

static int cmp_use(const void *a, const void *b)
{
	const struct ka_inline_use *x = *(const struct ka_inline_use *const *)a;
	const struct ka_inline_use *y = *(const struct ka_inline_use *const *)b;
	int c = strcmp(x->decl_file, y->decl_file);
	if (c)
		return c;
	if (x->decl_line != y->decl_line)
		return x->decl_line < y->decl_line ? -1 : 1;
	return strcmp(x->function, y->function);
}

static int cmp_reach(const void *a, const void *b)
{
	const struct ka_reach_fact *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);
	return c ? c : strcmp(x->function, y->function);
}

void ka_kfacts_sort(struct ka_kfacts *f)
{
	if (f->n_uses > 1)
		qsort(f->uses, f->n_uses, sizeof(*f->uses), cmp_use);
	if (f->n_reach > 1)
		qsort(f->reach, f->n_reach, sizeof(*f->reach), cmp_reach);
}

void ka_site_put(struct ka_wbuf *b, const struct ka_site *s)
{
	ka_wbuf_str(b, s->function);
	ka_wbuf_str(b, s->file);
	ka_wbuf_u32(b, s->line);
	ka_wbuf_u8(b, s->kind);
	ka_wbuf_str(b, s->section);
	ka_wbuf_u64(b, s->offset);
	ka_wbuf_u8(b, s->has_debuginfo);
	ka_wbuf_u32(b, (uint32_t)s->n_chain);
	for (size_t i = 0; i < s->n_chain; i++) {
		const struct ka_inline_frame *f = &s->chain[i];
		ka_wbuf_str(b, f->function);
		ka_wbuf_str(b, f->decl_file);
		ka_wbuf_u32(b, f->decl_line);
		ka_wbuf_str(b, f->call_file);
		ka_wbuf_u32(b, f->call_line);
	}
}

void ka_site_get(struct ka_rbuf *b, struct ka_site *s)
{
	s->function = ka_rbuf_str(b);
	s->file = ka_rbuf_str(b);
	s->line = ka_rbuf_u32(b);
	s->kind = ka_rbuf_u8(b);
	if (s->kind > KA_REF_DATA)
		b->bad = true;
	s->section = ka_rbuf_str(b);
	s->offset = ka_rbuf_u64(b);
	s->has_debuginfo = ka_rbuf_u8(b) != 0;
	uint32_t n = ka_rbuf_count(b, 20);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		char *fn = ka_rbuf_str(b), *decl = ka_rbuf_str(b);
		unsigned dl = ka_rbuf_u32(b);
		char *call = ka_rbuf_str(b);
		unsigned cl = ka_rbuf_u32(b);
		if (!b->bad)
			ka_inline_chain_push(s, fn, decl, dl, call, cl);
		free(fn);
		free(decl);
		free(call);
	}
}
