/*
 * ksymaudit explain SYMBOL: every path by which SYMBOL is reachable from
 * non-GPL exports (through unexported functions) and from header inlines.
 */
#include <getopt.h>

#include "ksymaudit/checks.h"
#include "cmd.h"

static const struct ka_opt options[] = {
	KA_OPT_ROWS(ka_tree_rows),
	KA_OPT_ROWS(ka_output_rows),
	KA_OPT_END,
};

static void help_tail(FILE *out)
{
	ka_cmd_help_checks(out, KA_SCOPE_EXPLAIN);
	fputs("Its findings are notes, so it fails only with --fail-on note.\n", out);
	ka_cmd_help_exit(out);
}

static void explain_facts(struct ka_run *run, const struct ka_tree_result *res)
{
	ka_explain_report(run, res, run->explain_symbol);
}

static int do_explain(int argc, char *argv[])
{
	struct ka_cli c;
	struct ka_side s = { .label = "explain" };
	struct ka_progress p;
	int status = ka_cli_parse(&c, &ka_cmd_explain, argc, argv);

	if (status >= 0 || (status = ka_cli_need_kernel(&c)) >= 0)
		goto out;
	if (optind + 1 != argc) {
		status = ka_cli_usage(&c, "give exactly one SYMBOL");
		goto out;
	}
	c.run.explain_symbol = s.topts.explain = argv[optind];
	/* Only waivers of explain's own notes can be unused here. */
	ka_cmd_set_active_checks(&c.run, KA_SCOPE_EXPLAIN);
	ka_cli_side(&c, &s, &p, explain_facts);
	(void)ka_side_run(&s);
	status = ka_cmd_finish(&c.run, &c.o);
out:
	ka_side_free(&s);
	ka_cli_free(&c);
	return status;
}

const struct ka_command ka_cmd_explain = {
	.name = "explain",
	.handler = do_explain,
	.help = "show every path from non-GPL exports and header inlines to a symbol",
	.usage = "[OPTIONS] SYMBOL",
	.about = "Show every path by which SYMBOL is reachable from non-GPL exports\n"
		 "(through functions that are not exported) and from header inlines:\n"
		 "what would change for non-GPL modules if SYMBOL were GPL-only.\n",
	.options = options,
	.paths = true,
	.help_tail = help_tail,
};
