/*
 * Which inline functions a file uses: every DW_TAG_inlined_subroutine of
 * its debug info, grouped by function and declaration file. diff uses it
 * to see which header inlines a module built against OLD will get again,
 * as NEW defines them, once it is rebuilt.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>

#include "ksymaudit/dwarf.h"
#include "ksymaudit/hashmap.h"
#include "internal.h"

struct walk {
	struct ka_module_inlines *out;
	struct hashmap by_key;  /* "function\tdecl_file" -> index + 1 */
	struct strvec keys;     /* owns the keys of by_key */
	struct hashmap paths;   /* raw path -> tidied (owned values) */
	struct strvec raw;      /* owns the keys of paths */
	const char *comp_dir;
	Dwarf_Files *files;
	size_t n_files;
};

static const char *tidy(struct walk *w, const char *raw)
{
	if (!raw)
		return NULL;
	char *key = xasprintf("%s\t%s", w->comp_dir ? w->comp_dir : "", raw);
	char *t = hashmap_get(&w->paths, key);
	if (t) {
		free(key);
		return t;
	}
	t = ka_dwarf_path(raw, w->comp_dir, NULL);
	strvec_push_owned(&w->raw, key);
	hashmap_put(&w->paths, key, t);
	return t;
}

static void add_instance(struct walk *w, Dwarf_Die *die, const char *caller,
			 const char *outer)
{
	const char *fn = dwarf_diename(die);
	if (!fn)
		return;
	const char *decl = tidy(w, dwarf_decl_file(die));
	char *key = xasprintf("%s\t%s", fn, decl ? decl : "");
	uintptr_t idx = (uintptr_t)hashmap_get(&w->by_key, key);
	struct ka_module_inlines *o = w->out;
	if (!idx) {
		ARRAY_GROW(o->v, o->n, o->cap);
		int dl = 0;
		dwarf_decl_line(die, &dl);
		o->v[o->n] = (struct ka_inline_used){
			.function = xstrdup(fn),
			.decl_file = decl ? xstrdup(decl) : NULL,
			.decl_line = (unsigned)dl };
		idx = ++o->n;
		strvec_push_owned(&w->keys, key);
		hashmap_put(&w->by_key, key, (void *)idx);
	} else {
		free(key);
	}
	struct ka_inline_used *u = &o->v[idx - 1];
	Dwarf_Attribute a;
	Dwarf_Word fi = 0, line = 0;
	const char *cf = NULL;
	if (w->files && dwarf_attr(die, DW_AT_call_file, &a) &&
	    dwarf_formudata(&a, &fi) == 0 && fi < w->n_files)
		cf = dwarf_filesrc(w->files, fi, NULL, NULL);
	if (dwarf_attr(die, DW_AT_call_line, &a))
		dwarf_formudata(&a, &line);
	ARRAY_GROW(u->inst, u->n_inst, u->cap_inst);
	const char *tcf = tidy(w, cf);
	u->inst[u->n_inst++] = (struct ka_inline_instance){
		.caller = xstrdup(caller ? caller : "?"),
		.outer = outer ? xstrdup(outer) : NULL,
		.call_file = tcf ? xstrdup(tcf) : NULL,
		.call_line = (unsigned)line };
}

/* outer: the outermost inlined function around parent, NULL if none. */
static void walk_die(struct walk *w, Dwarf_Die *parent, const char *caller,
		     const char *outer, unsigned depth)
{
	Dwarf_Die child;
	if (depth > 64 || dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		const char *c = caller, *o = outer;
		if (tag == DW_TAG_inlined_subroutine) {
			add_instance(w, &child, caller, outer);
			if (!o)
				o = dwarf_diename(&child);
		} else if (tag == DW_TAG_subprogram) {
			/* Only concrete functions hold instances. */
			if (!dwarf_hasattr(&child, DW_AT_low_pc) &&
			    !dwarf_hasattr(&child, DW_AT_ranges))
				continue;
			c = dwarf_diename(&child);
		}
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
		    tag == DW_TAG_lexical_block)
			walk_die(w, &child, c, o, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int cmp_used(const void *a, const void *b)
{
	const struct ka_inline_used *x = a, *y = b;
	int c = strcmp(x->function, y->function);
	if (c)
		return c;
	return strcmp(x->decl_file ? x->decl_file : "",
		      y->decl_file ? y->decl_file : "");
}

int ka_dwarf_inline_uses(struct ka_dwarf *d, struct ka_module_inlines *out)
{
	*out = (struct ka_module_inlines){ 0 };
	if (!d)
		return -ENOENT;
	out->have_dwarf = true;
	Dwarf *dw = d->dw;
	struct walk w = { .out = out };
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		if (dwarf_offdie(dw, off + hsize, &cu)) {
			Dwarf_Attribute a;
			w.comp_dir = dwarf_formstring(
				dwarf_attr(&cu, DW_AT_comp_dir, &a));
			if (dwarf_getsrcfiles(&cu, &w.files, &w.n_files) != 0) {
				w.files = NULL;
				w.n_files = 0;
			}
			walk_die(&w, &cu, NULL, NULL, 0);
		}
		off = next;
	}
	hashmap_free(&w.by_key);
	strvec_free(&w.keys);
	hashmap_foreach(&w.paths, slot)
		free(slot->value);
	hashmap_free(&w.paths);
	strvec_free(&w.raw);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_used);
	return 0;
}

void ka_module_inlines_free(struct ka_module_inlines *mi)
{
	if (!mi)
		return;
	for (size_t i = 0; i < mi->n; i++) {
		struct ka_inline_used *u = &mi->v[i];
		for (size_t k = 0; k < u->n_inst; k++) {
			free(u->inst[k].caller);
			free(u->inst[k].outer);
			free(u->inst[k].call_file);
		}
		free(u->inst);
		free(u->function);
		free(u->decl_file);
	}
	free(mi->v);
	*mi = (struct ka_module_inlines){ 0 };
}
