/* ksymaudit tree: header inlines and exports that expose GPL-only symbols. */
#include <getopt.h>
#include <string.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/diff.h"
#include "cmd.h"

static const struct ka_opt options[] = {
	KA_OPT_ROWS(ka_tree_rows),
	KA_OPT_ROWS(ka_output_rows),
	KA_OPT_END,
};

static void help_tail(FILE *out)
{
	ka_cmd_help_checks(out, KA_SCOPE_KERNEL);
	ka_cmd_help_exit(out);
}

static int do_tree(int argc, char *argv[])
{
	struct ka_cli c;
	struct ka_side s = { .label = "tree" };
	struct ka_progress p;
	int status = ka_cli_parse(&c, &ka_cmd_tree, argc, argv);

	if (status >= 0 || (status = ka_cli_need_kernel(&c)) >= 0)
		goto out;
	if (optind < argc) {
		status = ka_cli_usage(&c, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	ka_cmd_set_active_checks(&c.run, KA_SCOPE_KERNEL);
	s.topts.checks = true;
	/* A JSON report carries what diff needs: exports, inline and
	 * reach facts. */
	s.topts.reach = !strcmp(c.o.format, "json");
	ka_cli_side(&c, &s, &p, ka_checks_run_kernel);
	if (ka_side_run(&s) == 0 && s.topts.reach) {
		s.res.facts.max_depth = c.run.max_depth;
		c.run.kfacts = &s.res.facts;
	}
	status = ka_cmd_finish(&c.run, &c.o);
out:
	ka_side_free(&s);
	ka_cli_free(&c);
	return status;
}

const struct ka_command ka_cmd_tree = {
	.name = "tree",
	.handler = do_tree,
	.help = "audit a whole kernel: header inlines and exports exposing GPL-only symbols",
	.usage = "[OPTIONS]",
	.about = "Audit a whole kernel from its own side: header inlines whose code\n"
		 "references GPL-only exports, EXPORT_SYMBOL functions that wrap\n"
		 "GPL-only ones, and exports whose license is recorded inconsistently.\n",
	.options = options,
	.paths = true,
	.help_tail = help_tail,
};
