/* ksymaudit checks: the check table, for people writing waivers and tools. */
#include <getopt.h>
#include <stdio.h>

#include "ksymaudit/checks.h"
#include "cmd.h"

static const char *const scope_names[] = {
	[KA_SCOPE_MODULE] = "check",
	[KA_SCOPE_KERNEL] = "tree",
	[KA_SCOPE_EXPLAIN] = "explain",
	[KA_SCOPE_RUN] = "any",
	[KA_SCOPE_DIFF] = "diff",
};

static int set_verbose(struct ka_cli *c, const char *arg)
{
	(void)arg;
	c->o.verbose = true;
	return 0;
}

static const struct ka_opt options[] = {
	{"verbose", 'v', NULL, "also print description and help", set_verbose},
	{"help", 'h', NULL, "show this help", NULL},
	KA_OPT_END,
};

static int do_checks(int argc, char *argv[])
{
	struct ka_cli c;
	int status = ka_cli_parse(&c, &ka_cmd_checks, argc, argv);

	if (status < 0 && optind < argc) {
		ka_err("checks: unexpected argument '%s'", argv[optind]);
		status = KA_EXIT_ERROR;
	}
	for (const struct ka_check *const *k = ka_checks; status < 0 && *k; k++) {
		printf("%s\t%s\t%s\t%s\n", (*k)->id,
		       ka_severity_name((*k)->severity), scope_names[(*k)->scope],
		       (*k)->summary);
		if (c.o.verbose)
			printf("\t%s\n\t%s\n", (*k)->description, (*k)->help);
	}
	ka_cli_free(&c);
	return status < 0 ? KA_EXIT_OK : status;
}

const struct ka_command ka_cmd_checks = {
	.name = "checks",
	.handler = do_checks,
	.help = "list the checks with their severity and summary",
	.usage = "[-v|--verbose]",
	.about = "List every check: id, default severity, the command that runs it and\n"
		 "a summary, one per line separated by tabs. With --verbose, also the\n"
		 "description and what to do about a finding.\n",
	.options = options,
};
