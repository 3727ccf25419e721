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

static void help(FILE *out)
{
	fputs("Usage: ksymaudit checks [-v|--verbose]\n"
	      "List every check: id, default severity, the command that runs it and\n"
	      "a summary, one per line separated by tabs. With --verbose, also the\n"
	      "description and what to do about a finding.\n"
	      "  -v, --verbose          also print description and help\n"
	      "  -h, --help             show this help\n", out);
}

static int do_checks(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool verbose = false;
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			help(stdout);
			return KA_EXIT_OK;
		default:
			fputs("Try 'ksymaudit checks --help'.\n", stderr);
			return KA_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		ka_err("checks: unexpected argument '%s'", argv[optind]);
		return KA_EXIT_ERROR;
	}
	for (const struct ka_check *const *k = ka_checks; *k; k++) {
		printf("%s\t%s\t%s\t%s\n", (*k)->id,
		       ka_severity_name((*k)->severity), scope_names[(*k)->scope],
		       (*k)->summary);
		if (verbose)
			printf("\t%s\n\t%s\n", (*k)->description, (*k)->help);
	}
	return KA_EXIT_OK;
}

const struct ka_command ka_cmd_checks = {
	.name = "checks",
	.handler = do_checks,
	.help = "list the checks with their severity and summary",
};
