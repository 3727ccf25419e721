/*
 * module-breaks (diff -m): a module built against OLD that loads against
 * OLD (as far as exports tell) and will not load against NEW. Its imports as they are (an export removed, made GPL-only
 * or moved into a namespace it does not import), and the header inlines it
 * uses: rebuilt against NEW, an inline that now reaches GPL-only exports
 * makes a GPL-incompatible module GPL-only (the 4.18 put_page() case).
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

static bool module_provides(const struct ka_run *run, const char *sym)
{
	const struct ka_export *e = ka_exportdb_find(&run->exports, sym);
	return e && e->module;
}

/*
 * upgrade: the names NEW no longer exports, in one warning. KERNEL-FACTS:
 * inlines and macros of OLD's headers produced most of them (kmalloc() ->
 * kmalloc_trace, list_add() -> __list_add_valid); the rebuild DKMS does
 * anyway resolves them afresh, and fails only where the module's own code
 * calls a name NEW's headers no longer declare.
 */
static void rebuild_needed(struct ka_run *run, const struct ka_module *m,
			   const struct strvec *gone)
{
	char *list = xstrdup("");
	for (size_t i = 0; i < gone->n; i++) {
		char *t = xasprintf("%s%s%s", list, i ? ", " : "", gone->v[i]);
		free(list);
		list = t;
	}
	struct ka_finding *f = ka_finding_add(
		&run->findings, ka_check_module_breaks.id, KA_SEV_WARNING,
		m->name, m->path, gone->v[0],
		"module %s must be rebuilt for NEW: it imports %zu name%s NEW "
		"no longer exports (%s); header inlines and macros of OLD "
		"produced most such names and a rebuild resolves them afresh",
		m->name, gone->n, gone->n == 1 ? "" : "s", list);
	f->change = KA_CHANGE_NEW;
	f->count = (unsigned)gone->n;
	free(list);
}

static void check_imports(struct ka_run *run, const struct ka_diff *d,
		    const struct ka_module *m, bool gpl_ok)
{
	const struct ka_exportdb *odb = &d->old_side->exports;
	const struct ka_exportdb *ndb = &d->new_side->exports;
	struct strvec gone = { 0 };
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_import *im = &m->imports[i];
		if (im->weak || module_provides(run, im->name))
			continue;
		const struct ka_export *o = ka_exportdb_find(odb, im->name);
		const struct ka_export *n = ka_exportdb_find(ndb, im->name);
		/* Only what works against OLD can break. */
		if (!o || (!gpl_ok && ka_export_type_is_gpl_only(o->type)))
			continue;
		char *why = NULL;
		if (!n && d->upgrade) {
			strvec_push(&gone, im->name);
			continue;
		}
		if (!n)
			why = xstrdup("which NEW no longer exports");
		else if (!gpl_ok && ka_export_type_is_gpl_only(n->type))
			why = xasprintf("which became %s",
					ka_export_type_name(n->type));
		else if (n->ns && (!o->ns || strcmp(o->ns, n->ns)) &&
			 !ka_module_ns_ok(m, n->ns))
			why = ka_ns_is_module_list(n->ns)
				? xasprintf("which became restricted to modules %s",
					    n->ns + strlen(KA_MODULE_NS_PREFIX))
				: xasprintf("which moved into namespace %s, not "
					    "imported by the module", n->ns);
		if (!why)
			continue;
		struct ka_finding *f = ka_finding_add(
			&run->findings, ka_check_module_breaks.id,
			ka_check_module_breaks.severity, m->name, m->path,
			im->name, "module %s will not load against NEW: it "
			"imports '%s', %s", m->name, im->name, why);
		f->change = KA_CHANGE_NEW;
		f->old_value = ka_export_describe(o);
		f->new_value = ka_export_describe(n);
		free(why);
	}
	if (gone.n)
		rebuild_needed(run, m, &gone);
	strvec_free(&gone);
}

static bool imports(const struct ka_module *m, const char *sym)
{
	for (size_t i = 0; i < m->n_imports; i++)
		if (!strcmp(m->imports[i].name, sym))
			return true;
	return false;
}

/*
 * The GPL-only symbols nf reaches by itself that of does not reach, and
 * that the module does not use already as GPL-only (then it does not load
 * against OLD either).
 */
static char *join_new(const struct ka_diff *d, const struct ka_module *m,
		      const struct ka_inline_use *nf,
		      const struct ka_inline_use *of, size_t *count)
{
	char *s = xstrdup("");
	*count = 0;
	for (size_t i = 0; i < nf->n_syms; i++) {
		const char *sym = nf->syms[i].symbol;
		const struct ka_export *o =
			ka_exportdb_find(&d->old_side->exports, sym);
		if ((of && ka_inline_use_find(of, sym)) || !nf->syms[i].own ||
		    (o && ka_export_type_is_gpl_only(o->type) &&
		     imports(m, sym)))
			continue;
		char *t = xasprintf("%s%s%s", s, *count ? ", " : "", sym);
		free(s);
		s = t;
		(*count)++;
	}
	return s;
}

/* The new GPL-only symbols of u's inline in NEW (owned), or NULL. */
static char *breaking(const struct ka_diff *d, const struct ka_module *m,
		      const struct ka_inline_used *u)
{
	const struct ka_inline_use *nf = ka_report_inline(d->new_side,
							  u->function);
	if (!nf)
		return NULL;
	size_t n;
	char *syms = join_new(d, m, nf, ka_report_inline(d->old_side,
							 u->function), &n);
	if (!n) {
		free(syms);
		return NULL;
	}
	return syms;
}

/*
 * One finding per header inline the module calls that breaks in NEW, with
 * its instances; an instance inside another inline counts only when that
 * outermost inline does not break itself (it names the cause already).
 */
static void inlines(struct ka_run *run, const struct ka_diff *d,
		    const struct ka_module *m, const struct ka_module_inlines *mi)
{
	char **why = xcalloc(mi->n + 1, sizeof(*why));
	struct strvec broken = { 0 };
	for (size_t i = 0; i < mi->n; i++)
		if ((why[i] = breaking(d, m, &mi->v[i])))
			strvec_push(&broken, mi->v[i].function);
	for (size_t i = 0; i < mi->n; i++) {
		const struct ka_inline_used *u = &mi->v[i];
		if (!why[i])
			continue;
		size_t n_inst = 0;
		const char *outer = NULL; /* the inline they all sit in */
		bool same_outer = true;
		for (size_t k = 0; k < u->n_inst; k++) {
			const struct ka_inline_instance *in = &u->inst[k];
			if (in->outer && strvec_contains(&broken, in->outer))
				continue;
			if (!n_inst++)
				outer = in->outer;
			else if (!outer || !in->outer || strcmp(outer, in->outer))
				same_outer = false;
		}
		if (!n_inst)
			continue;
		char *in_outer = outer && same_outer
			? xasprintf(" (inlined in %s())", outer) : xstrdup("");
		const struct ka_inline_use *nf =
			ka_report_inline(d->new_side, u->function);
		struct ka_finding *f = ka_finding_add(
			&run->findings, ka_check_module_breaks.id,
			ka_check_module_breaks.severity, m->name, m->path,
			u->function, "module %s will fail to load once rebuilt "
			"against NEW: %s()%s at %zu site%s now reaches GPL-only %s",
			m->name, u->function, in_outer, n_inst,
			n_inst == 1 ? "" : "s", why[i]);
		free(in_outer);
		f->change = KA_CHANGE_NEW;
		f->count = (unsigned)n_inst;
		f->note = xasprintf("%s() is declared at %s:%u in NEW",
				    nf->function, nf->decl_file, nf->decl_line);
		for (size_t k = 0; k < u->n_inst; k++) {
			const struct ka_inline_instance *in = &u->inst[k];
			if (in->outer && strvec_contains(&broken, in->outer))
				continue;
			struct ka_site *s = ka_finding_add_site(f);
			s->function = xstrdup(in->caller);
			s->file = in->call_file ? xstrdup(in->call_file) : NULL;
			s->line = in->call_line;
			s->kind = KA_REF_CALL;
			s->has_debuginfo = true;
			ka_inline_chain_push(s, u->function, u->decl_file,
					     u->decl_line, in->call_file,
					     in->call_line);
			/* The source line of the first instance, for editors. */
			if (f->n_sites == 1 && in->call_file) {
				free(f->file);
				f->file = xstrdup(in->call_file);
				f->line = in->call_line;
			}
		}
	}
	for (size_t i = 0; i < mi->n; i++)
		free(why[i]);
	free(why);
	strvec_free(&broken);
}

/*
 * Loads against OLD, as far as exports tell: every import resolved, none
 * GPL-only for a GPL-incompatible module, every namespace imported. Else
 * the reason, owned.
 */
static char *old_refusal(const struct ka_run *run, const struct ka_diff *d,
			 const struct ka_module *m, bool gpl_ok)
{
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct ka_import *im = &m->imports[i];
		if (im->weak || module_provides(run, im->name))
			continue;
		const struct ka_export *o =
			ka_exportdb_find(&d->old_side->exports, im->name);
		if (!o)
			return xasprintf("'%s' is not exported", im->name);
		if (!gpl_ok && ka_export_type_is_gpl_only(o->type))
			return xasprintf("it uses GPL-only '%s'", im->name);
		if (!ka_module_ns_ok(m, o->ns))
			return xasprintf("'%s' is in namespace %s, not imported",
					 im->name, o->ns);
	}
	return NULL;
}

/*
 * The loader's symbol_get() rule against NEW that does not hold against
 * OLD. (The inherited taint needs no rule here: run_diff audits a tainted
 * module as GPL-incompatible, which is how the loader treats it.)
 */
static void loader_rules(struct ka_run *run, const struct ka_diff *d)
{
	const struct ka_exportdb *odb = &d->old_side->exports;
	const struct ka_exportdb *ndb = &d->new_side->exports;
	for (size_t i = 0; i < run->n_modules; i++) {
		const struct ka_module *m = run->modules[i];
		/* symbol_get() that fails against NEW, not against OLD. */
		for (size_t k = 0; k < m->symbol_gets.n; k++) {
			const char *sym = m->symbol_gets.v[k];
			char *o = ka_symbol_get_failure(run, odb, m, sym);
			char *n = o ? NULL : ka_symbol_get_failure(run, ndb, m, sym);
			if (n)
				ka_symbol_get_finding(run, m, sym, n)->change =
					KA_CHANGE_NEW;
			free(o);
			free(n);
		}
	}
}

static void run_diff(struct ka_run *run, const struct ka_diff *d)
{
	if (d->upgrade)
		loader_rules(run, d);
	/* A module that inherits a proprietary taint (5.9+) sees no GPL-only
	 * export, as if its own license were not GPL-compatible. */
	struct ka_taint *t = ka_loader_taints(run, NULL);
	for (size_t i = 0; i < run->n_modules; i++) {
		const struct ka_module *m = run->modules[i];
		bool gpl_ok = !t[i].tainted;
		char *why = old_refusal(run, d, m, gpl_ok);
		if (why) {
			/* Only a module that loads against OLD can break. */
			ka_diag_add(&run->diags, false, m->path, 0,
				    "does not load against OLD (%s): not "
				    "checked for module-breaks", why);
			free(why);
			continue;
		}
		size_t first = run->findings.n;
		check_imports(run, d, m, gpl_ok);
		if (!gpl_ok && i < d->n_mod_inlines)
			inlines(run, d, m, &d->mod_inlines[i]);
		for (size_t k = first; t[i].tainted && !t[i].own &&
				     k < run->findings.n; k++) {
			struct ka_finding *f = &run->findings.v[k];
			if (f->severity != KA_SEV_ERROR || f->note)
				continue;
			f->note = xasprintf("%s is GPL-compatible but inherits the "
					    "proprietary taint of %s, whose '%s' it "
					    "uses: the loader hides GPL-only exports "
					    "from it (kernel/module/main.c "
					    "inherit_taint(), 5.9+)", m->name,
					    t[i].from->name, t[i].symbol);
		}
	}
	free(t);
}

const struct ka_check ka_check_module_breaks = {
	.id = "module-breaks",
	.severity = KA_SEV_ERROR,
	.scope = KA_SCOPE_DIFF,
	.summary = "a module that loads against OLD will not load against NEW",
	.description = "diff -m: a module built against OLD, which loads "
		       "against OLD, imports an export "
		       "that NEW removed, made GPL-only (for a GPL-incompatible "
		       "module) or moved into a namespace the module does not "
		       "import; or it uses a header inline (found from its "
		       "DWARF inline instances) that in NEW reaches GPL-only "
		       "exports it did not reach in OLD (at least two and half "
		       "of the inline's instances in NEW reference them), so "
		       "the module fails to load once rebuilt against NEW.",
	.help = "Port the module before NEW ships: stop using the symbol or "
		"inline, import the namespace, or ask upstream to keep the "
		"export (the 4.18 put_page() exports were reverted to "
		"EXPORT_SYMBOL, commit 31c5bda3a656).",
	.run_diff = run_diff,
};
