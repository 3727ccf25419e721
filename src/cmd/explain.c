/*
 * ksymaudit explain SYMBOL: every path by which SYMBOL is reachable from
 * non-GPL exports (through unexported functions) and from header inlines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/checks.h"
#include "cmd.h"

static void help(FILE *out)
{
	fputs("Usage: ksymaudit explain [OPTIONS] SYMBOL\n"
	      "Show every path by which SYMBOL is reachable from non-GPL exports\n"
	      "(through functions that are not exported) and from header inlines:\n"
	      "what would change for non-GPL modules if SYMBOL were GPL-only.\n"
	      "\n"
	      KA_TREE_HELP
	      "  -r, --rules DIR        rules directory (license list, headers)\n"
	      "\n",
	      out);
	ka_cmd_help_output(out, true);
	fputc('\n', out);
	ka_cmd_help_checks(out, KA_SCOPE_EXPLAIN);
	fputs("Its findings are notes, so it fails only with --fail-on note.\n", out);
	ka_cmd_help_exit(out);
}

static int do_explain(int argc, char *argv[])
{
	struct ka_output_opts o;
	struct ka_run run;
	struct ka_tree_inputs cli = { 0 };
	struct ka_tree_opts topts = { .checks = false };
	struct ka_tree_result res;
	bool have_res = false;
	int status;

	ka_output_opts_init(&o, true);
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
	/* Only waivers of explain's own notes can be unused here. */
	ka_cmd_set_active_checks(&run, KA_SCOPE_EXPLAIN);
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
	ka_explain_report(&run, &res, topts.explain);

finish:
	status = ka_cmd_finish(&run, &o);
out:
	if (have_res)
		ka_tree_result_free(&res);
	strvec_free(&topts.modules);
	ka_tree_inputs_free(&cli);
	ka_run_free(&run);
	return status;
}

const struct ka_command ka_cmd_explain = {
	.name = "explain",
	.handler = do_explain,
	.help = "show every path from non-GPL exports and header inlines to a symbol",
};
