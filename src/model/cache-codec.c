/*
 * The entry format of the fact cache (see src/model/cache.c): a magic
 * string, the format version, the tool's identity (its version and a hash
 * of the executable), the key and an XXH64 checksum of the payload, then
 * the payload: what the pass keeps of one file (struct ka_file_facts).
 * Anything that does not match, or does not decode exactly, is refused.
 * A binary format rather than JSON: the facts are read back by this
 * program only, a vmlinux entry is decoded in milliseconds, and a checksum
 * is needed either way (a flipped byte inside a JSON string still parses).
 */
#include <stdlib.h>

#include "ksymaudit/cache.h"

static const char magic[16] = "ksymaudit-facts\n";

/* ---- encoding ---- */

static void put_strvec(struct ka_wbuf *b, const struct strvec *v)
{
	ka_wbuf_u32(b, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++)
		ka_wbuf_str(b, v->v[i]);
}

static void put_steps(struct ka_wbuf *b, const struct ka_path_step *s,
		      size_t n)
{
	ka_wbuf_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		ka_wbuf_str(b, s[i].symbol);
		ka_wbuf_u8(b, s[i].kind);
	}
}

static void put_payload(struct ka_wbuf *b, const char *path,
			const struct ka_file_facts *f)
{
	const struct ka_kfacts *r = &f->r.facts;
	ka_wbuf_u32(b, (uint32_t)f->diags.n);
	for (size_t i = 0; i < f->diags.n; i++) {
		const struct ka_diag *d = &f->diags.v[i];
		bool self = d->file && !strcmp(d->file, path);
		ka_wbuf_u8(b, d->fatal);
		ka_wbuf_u8(b, self);
		ka_wbuf_str(b, self ? NULL : d->file);
		ka_wbuf_u32(b, d->line);
		ka_wbuf_str(b, d->message);
	}
	ka_wbuf_u32(b, (uint32_t)f->r.inline_counts.n);
	hashmap_foreach(&f->r.inline_counts, slot) {
		const struct ka_inline_count *n = slot->value;
		ka_wbuf_str(b, n->key);
		ka_wbuf_u32(b, n->n);
	}
	ka_wbuf_u32(b, (uint32_t)r->n_uses);
	for (size_t i = 0; i < r->n_uses; i++) {
		const struct ka_inline_use *u = r->uses[i];
		ka_wbuf_str(b, u->function);
		ka_wbuf_str(b, u->decl_file);
		ka_wbuf_u32(b, u->decl_line);
		ka_wbuf_u32(b, u->instances);
		ka_wbuf_str(b, u->example_file);
		ka_wbuf_u32(b, u->example_line);
		ka_wbuf_str(b, u->example_function);
		put_strvec(b, &u->inner);
		ka_wbuf_u32(b, (uint32_t)u->n_syms);
		for (size_t k = 0; k < u->n_syms; k++) {
			ka_wbuf_str(b, u->syms[k].symbol);
			ka_wbuf_u32(b, u->syms[k].instances);
			ka_wbuf_u32(b, u->syms[k].by_param);
			put_strvec(b, &u->syms[k].via);
		}
	}
	ka_wbuf_u32(b, (uint32_t)r->n_wrappers);
	for (size_t i = 0; i < r->n_wrappers; i++) {
		const struct ka_wrapper_fact *w = &r->wrappers[i];
		ka_wbuf_str(b, w->symbol);
		ka_wbuf_u8(b, w->type);
		ka_wbuf_u64(b, w->size);
		put_steps(b, w->steps, w->n_steps);
		for (size_t k = 0; k < w->n_steps; k++)
			ka_site_put(b, &w->sites[k]);
		put_strvec(b, &w->reached);
		ka_wbuf_u32(b, (uint32_t)w->n_targets);
		for (size_t k = 0; k < w->n_targets; k++) {
			ka_wbuf_str(b, w->targets[k].symbol);
			put_steps(b, w->targets[k].steps, w->targets[k].n_steps);
		}
	}
	ka_wbuf_u32(b, (uint32_t)r->n_reach);
	for (size_t i = 0; i < r->n_reach; i++) {
		ka_wbuf_str(b, r->reach[i].function);
		ka_wbuf_str(b, r->reach[i].gpl_export);
		put_strvec(b, &r->reach[i].plain_path);
	}
	ka_wbuf_u32(b, (uint32_t)r->n_paths);
	for (size_t i = 0; i < r->n_paths; i++)
		put_steps(b, r->paths[i].steps, r->paths[i].n_steps);
}

void ka_cache_encode(const struct ka_cache_key *key, const char *tool,
		     const char *path, const struct ka_file_facts *f,
		     struct ka_wbuf *out)
{
	struct ka_wbuf p = { 0 };
	put_payload(&p, path, f);
	ka_wbuf_bytes(out, magic, sizeof(magic));
	ka_wbuf_u32(out, KA_CACHE_FORMAT);
	ka_wbuf_str(out, tool);
	ka_wbuf_u64(out, key->h[0]);
	ka_wbuf_u64(out, key->h[1]);
	ka_wbuf_u64(out, p.n);
	ka_wbuf_u64(out, ka_hash64(p.p, p.n, 0));
	ka_wbuf_bytes(out, p.p, p.n);
	ka_wbuf_free(&p);
}

/* ---- decoding ---- */

#define KIND_MAX KA_REF_DATA
#define TYPE_MAX KA_EXPORT_UNUSED_GPL

/* A string that must be there. */
static char *need_str(struct ka_rbuf *b)
{
	char *s = ka_rbuf_str(b);
	if (!s)
		b->bad = true;
	return s;
}

static void get_strvec(struct ka_rbuf *b, struct strvec *v)
{
	uint32_t n = ka_rbuf_count(b, 4);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		char *s = need_str(b);
		if (s)
			strvec_push_owned(v, s);
	}
}

static unsigned get_kind(struct ka_rbuf *b)
{
	unsigned k = ka_rbuf_u8(b);
	if (k > KIND_MAX)
		b->bad = true;
	return k;
}

static struct ka_path_step *get_steps(struct ka_rbuf *b, size_t *n_out)
{
	uint32_t n = ka_rbuf_count(b, 5);
	struct ka_path_step *s = xcalloc(n + 1, sizeof(*s));
	*n_out = n;
	for (uint32_t i = 0; i < n; i++) {
		s[i].symbol = need_str(b);
		s[i].kind = get_kind(b);
	}
	return s;
}

static void get_payload(struct ka_rbuf *b, const char *path,
			const char *owner, struct ka_file_facts *f)
{
	struct ka_kfacts *r = &f->r.facts;
	uint32_t n = ka_rbuf_count(b, 14);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		bool fatal = ka_rbuf_u8(b), self = ka_rbuf_u8(b);
		char *file = ka_rbuf_str(b);
		unsigned line = ka_rbuf_u32(b);
		char *msg = need_str(b);
		if (!b->bad)
			ka_diag_add(&f->diags, fatal, self ? path : file, line,
				    "%s", msg);
		free(file);
		free(msg);
	}
	n = ka_rbuf_count(b, 8);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		char *key = need_str(b);
		unsigned v = ka_rbuf_u32(b);
		if (!b->bad)
			ka_inline_count_add(&f->r.inline_counts, key, v);
		free(key);
	}
	n = ka_rbuf_count(b, 36);
	r->uses = xcalloc(n + 1, sizeof(*r->uses));
	r->cap_uses = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_inline_use *u = xcalloc(1, sizeof(*u));
		r->uses[r->n_uses++] = u;
		u->function = need_str(b);
		u->decl_file = need_str(b);
		u->decl_line = ka_rbuf_u32(b);
		u->instances = ka_rbuf_u32(b);
		u->example_file = ka_rbuf_str(b);
		u->example_line = ka_rbuf_u32(b);
		u->example_function = ka_rbuf_str(b);
		if (u->example_file)
			u->example_object = xstrdup(path);
		get_strvec(b, &u->inner);
		uint32_t ns = ka_rbuf_count(b, 16);
		u->syms = xcalloc(ns + 1, sizeof(*u->syms));
		u->cap_syms = ns + 1;
		for (uint32_t k = 0; k < ns && !b->bad; k++) {
			struct ka_inline_sym *y = &u->syms[u->n_syms++];
			y->symbol = need_str(b);
			y->instances = ka_rbuf_u32(b);
			y->by_param = ka_rbuf_u32(b);
			get_strvec(b, &y->via);
		}
	}
	n = ka_rbuf_count(b, 25);
	r->wrappers = xcalloc(n + 1, sizeof(*r->wrappers));
	r->cap_wrappers = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_wrapper_fact *w = &r->wrappers[r->n_wrappers++];
		w->object = xstrdup(path);
		w->owner = xstrdup(owner);
		w->symbol = need_str(b);
		w->type = ka_rbuf_u8(b);
		if (w->type > TYPE_MAX)
			b->bad = true;
		w->size = ka_rbuf_u64(b);
		w->steps = get_steps(b, &w->n_steps);
		w->sites = xcalloc(w->n_steps + 1, sizeof(*w->sites));
		for (size_t k = 0; k < w->n_steps && !b->bad; k++) {
			ka_site_get(b, &w->sites[k]);
			if (!w->sites[k].function || !w->sites[k].section)
				b->bad = true;
		}
		get_strvec(b, &w->reached);
		uint32_t nt = ka_rbuf_count(b, 8);
		w->targets = xcalloc(nt + 1, sizeof(*w->targets));
		for (uint32_t k = 0; k < nt && !b->bad; k++) {
			struct ka_wrapper_target *t = &w->targets[w->n_targets++];
			t->symbol = need_str(b);
			t->steps = get_steps(b, &t->n_steps);
		}
	}
	n = ka_rbuf_count(b, 12);
	r->reach = xcalloc(n + 1, sizeof(*r->reach));
	r->cap_reach = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_reach_fact *x = &r->reach[r->n_reach++];
		x->owner = xstrdup(owner);
		x->function = need_str(b);
		x->gpl_export = ka_rbuf_str(b);
		get_strvec(b, &x->plain_path);
	}
	n = ka_rbuf_count(b, 4);
	r->paths = xcalloc(n + 1, sizeof(*r->paths));
	r->cap_paths = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_explain_path *p = &r->paths[r->n_paths++];
		p->object = xstrdup(path);
		p->steps = get_steps(b, &p->n_steps);
	}
	if (b->off != b->n)
		b->bad = true;
}

int ka_cache_decode(const void *buf, size_t len,
		    const struct ka_cache_key *key, const char *tool,
		    const char *path, const char *owner,
		    struct ka_file_facts *f, char **why)
{
	struct ka_rbuf b = { .p = buf, .n = len };
	const char *bad = NULL;
	char *t = NULL;
	if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic)) != 0) {
		*why = xstrdup("not a ksymaudit cache entry");
		return -1;
	}
	b.off = sizeof(magic);
	uint32_t format = ka_rbuf_u32(&b);
	if (!b.bad && format != KA_CACHE_FORMAT) {
		*why = xasprintf("format version %u, not %u", format,
				 KA_CACHE_FORMAT);
		return -2;
	}
	t = ka_rbuf_str(&b);
	bool t_stale = false;
	if (!b.bad && (!t || strcmp(t, tool) != 0)) {
		bad = "written by another build of ksymaudit";
		t_stale = true;
	}
	uint64_t h0 = ka_rbuf_u64(&b), h1 = ka_rbuf_u64(&b);
	if (!bad && !b.bad && (h0 != key->h[0] || h1 != key->h[1]))
		bad = "holds another key";
	uint64_t n = ka_rbuf_u64(&b), sum = ka_rbuf_u64(&b);
	free(t);
	if (b.bad) {
		*why = xstrdup("truncated header");
		return -1;
	}
	if (bad) {
		*why = xstrdup(bad);
		return t_stale ? -2 : -1;
	}
	if (n != b.n - b.off) {
		*why = xasprintf("payload of %llu bytes, %zu present (truncated?)",
				 (unsigned long long)n, b.n - b.off);
		return -1;
	}
	if (ka_hash64(b.p + b.off, (size_t)n, 0) != sum) {
		*why = xstrdup("checksum mismatch");
		return -1;
	}
	struct ka_rbuf p = { .p = b.p + b.off, .n = (size_t)n };
	get_payload(&p, path, owner, f);
	if (p.bad) {
		ka_file_facts_free(f);
		ka_file_facts_init(f);
		*why = xasprintf("malformed payload at byte %zu", p.off);
		return -1;
	}
	return 0;
}
