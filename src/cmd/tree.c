/* ksymaudit tree: header inlines and exports that expose GPL-only symbols. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksymaudit/checks.h"
#include "cmd.h"
#include "ksymaudit/diff.h"

static void help(FILE *out)
{
	fputs("Usage: ksymaudit tree [OPTIONS]\n"
	      "Audit a whole kernel from its own side: header inlines whose code\n"
	      "references GPL-only exports, EXPORT_SYMBOL functions that wrap\n"
	      "GPL-only ones, and exports whose license is recorded inconsistently.\n"
	      "\n"
	      KA_TREE_HELP
	      "  -r, --rules DIR        rules directory (license list, headers, waivers)\n"
	      "\n",
	      out);
	ka_cmd_help_output(out, true);
	fputc('\n', out);
	ka_cmd_help_checks(out, KA_SCOPE_KERNEL);
	ka_cmd_help_exit(out);
}

static int do_tree(int argc, char *argv[])
{
	struct ka_output_opts o;
	struct ka_run run;
	struct ka_tree_inputs cli = { 0 };
	struct ka_tree_opts topts = { .checks = true };
	struct ka_tree_result res;
	struct ka_walk walk;
	bool have_res = false;
	int status;

	ka_output_opts_init(&o, true);
	ka_run_init(&run, "tree");
	status = ka_tree_cli_parse("tree", argc, argv, help, &cli, &run, &o);
	if (status >= 0)
		goto out;
	if (optind < argc) {
		ka_err("tree: unexpected argument '%s'", argv[optind]);
		fputs("Try 'ksymaudit tree --help'.\n", stderr);
		status = KA_EXIT_ERROR;
		goto out;
	}
	ka_cmd_set_active_checks(&run, KA_SCOPE_KERNEL);
	if (ka_cmd_load_rules(&run, &o, argv[0]) < 0)
		goto finish;
	if (ka_tree_inputs_setup(&run, &cli, &topts) < 0)
		goto finish;
	ka_walk_begin(&walk, &cli, "tree", true, &topts);
	run.progress = walk.mode != 0;
	/* A JSON report carries what diff needs: exports, inline and
	 * reach facts. */
	topts.reach = !strcmp(o.format, "json");
	ka_tree_run(&run, &topts, &res);
	ka_walk_end(&walk, &res);
	have_res = true;
	ka_checks_run_kernel(&run, &res);
	if (topts.reach) {
		res.facts.max_depth = run.max_depth;
		run.kfacts = &res.facts;
	}

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

const struct ka_command ka_cmd_tree = {
	.name = "tree",
	.handler = do_tree,
	.help = "audit a whole kernel: header inlines and exports exposing GPL-only symbols",
};
