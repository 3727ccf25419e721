/*
 * ksymaudit explain SYMBOL: every path by which SYMBOL is reachable from
 * non-GPL exports (through unexported functions) and from header inlines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/cmd.h"
#include "ksymaudit/graph.h"

static void help(FILE *out)
{
	fputs("Usage: ksymaudit explain [OPTIONS] SYMBOL\n"
	      "Show every path by which SYMBOL is reachable from non-GPL exports\n"
	      "(through functions that are not exported) and from header inlines:\n"
	      "what would change for non-GPL modules if SYMBOL were GPL-only.\n"
	      "\n"
	      KA_TREE_HELP
	      "  -r, --rules DIR        rules directory (license list, headers)\n"
	      "\n"
	      "Output:\n"
	      "  -f, --format FORMAT    text (default), json, sarif or dot (Graphviz)\n"
	      "  -j, --json             same as --format json\n"
	      "  -p, --pretty           pretty-printed JSON (implies --json)\n"
	      "  -o, --output FILE      write the report to FILE\n"
	      "  -v, --verbose          list every site\n"
	      "      --fail-on LEVEL    error (default), warning, note or never\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Findings are notes (check ids explain-export, explain-inline).\n"
	      "Exit status: 0 done, 2 an input could not be read or bad usage.\n",
	      out);
}

static char *steps_text(const struct ka_explain_path *p)
{
	char *s = xstrdup(p->steps[0].symbol);
	for (size_t k = 1; k < p->n_steps; k++) {
		const char *kind = p->steps[k].kind == KA_REF_CALL ? "call"
				 : p->steps[k].kind == KA_REF_DATA ? "data"
				 : ka_ref_kind_name(p->steps[k].kind);
		char *n = xasprintf("%s -> %s (%s)", s, p->steps[k].symbol, kind);
		free(s);
		s = n;
	}
	return s;
}

static void report(struct ka_run *run, const struct ka_tree_result *res,
		   const char *sym)
{
	struct hashmap seen = { 0 };
	struct strvec keys = { 0 };
	for (size_t i = 0; i < res->n_paths; i++) {
		const struct ka_explain_path *p = &res->paths[i];
		const struct ka_export *x = ka_exportdb_find(&run->exports,
							     p->steps[0].symbol);
		char *chain = steps_text(p);
		/* The same path through different sites is listed once. */
		char *key = xasprintf("%s\t%s", p->object, chain);
		if (hashmap_get(&seen, key)) {
			free(key);
			free(chain);
			continue;
		}
		strvec_push_owned(&keys, key);
		hashmap_put(&seen, key, key);
		struct ka_finding *f = ka_finding_add(
			&run->findings, "explain-export", KA_SEV_NOTE,
			x && x->owner ? x->owner : NULL, p->object,
			p->steps[0].symbol, "%s '%s' reaches '%s': %s",
			x ? ka_export_type_name(x->type) : "export",
			p->steps[0].symbol, sym, chain);
		free(chain);
		for (size_t k = 1; k < p->n_steps; k++)
			ka_finding_add_step(f, p->steps[k].symbol, p->steps[k].kind);
	}
	hashmap_free(&seen);
	strvec_free(&keys);
	for (size_t i = 0; i < res->n_uses; i++) {
		const struct ka_inline_use *u = res->uses[i];
		if (!strvec_contains(&u->gpl_symbols, sym))
			continue;
		struct ka_finding *f = ka_finding_add(
			&run->findings, "explain-inline", KA_SEV_NOTE, NULL,
			u->decl_file, u->function,
			"header inline '%s' references '%s'%s (%u instance%s in "
			"this build, e.g. in %s() at %s:%u)",
			u->function, sym, u->inner.n ? " through inner inlines" : "",
			u->instances, u->instances == 1 ? "" : "s",
			u->example_function ? u->example_function : "?",
			u->example_file ? u->example_file : "?", u->example_line);
		f->line = u->decl_line;
		f->count = u->instances;
		for (size_t k = 0; k < u->inner.n; k++)
			ka_finding_add_step(f, u->inner.v[k], KA_REF_CALL);
		ka_finding_add_step(f, sym, KA_REF_CODE);
	}
	if (!res->n_paths && !run->findings.n)
		ka_finding_add(&run->findings, "explain-export", KA_SEV_NOTE,
			       NULL, NULL, sym,
			       "'%s' is not reachable from a non-GPL export "
			       "within %u steps, nor from a header inline",
			       sym, run->max_depth);
}

static int do_explain(int argc, char *argv[])
{
	struct ka_output_opts o;
	struct ka_run run;
	struct ka_tree_cli cli = { 0 };
	struct ka_tree_opts topts = { .checks = false };
	struct ka_tree_result res;
	bool have_res = false;
	int status;

	ka_output_opts_init(&o);
	ka_run_init(&run, "explain");
	status = ka_tree_cli_parse("explain", argc, argv, help, &cli, &run, &o);
	if (status >= 0)
		goto out;
	if (optind + 1 != argc) {
		ka_err("explain: give exactly one SYMBOL");
		fputs("Try 'ksymaudit explain --help'.\n", stderr);
		status = KA_EXIT_ERROR;
		goto out;
	}
	run.explain_symbol = argv[optind];
	topts.explain = argv[optind];
	/* Waivers are about check findings: none is reported unused here. */
	strvec_push(&run.rules.active_checks, "explain-export");
	if (ka_cmd_load_rules(&run, &o, argv[0]) < 0)
		goto finish;
	if (ka_tree_inputs_setup(&run, &cli, &topts) < 0)
		goto finish;
	run.progress = isatty(STDERR_FILENO);
	if (run.progress) {
		topts.progress = ka_tree_progress;
		topts.progress_arg = (void *)"explain";
	}
	ka_tree_run(&run, &topts, &res);
	have_res = true;
	report(&run, &res, topts.explain);

finish:
	status = ka_cmd_finish(&run, &o);
out:
	if (have_res)
		ka_tree_result_free(&res);
	strvec_free(&topts.modules);
	ka_tree_cli_free(&cli);
	ka_run_free(&run);
	return status;
}

const struct ka_command ka_cmd_explain = {
	.name = "explain",
	.handler = do_explain,
	.help = "show every path from non-GPL exports and header inlines to a symbol",
};
