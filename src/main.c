/* ksymaudit: audit Linux kernel builds for symbol-export license problems. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cmd/cmd.h"

static const struct ka_command *const commands[] = {
	&ka_cmd_check,
	&ka_cmd_tree,
	&ka_cmd_explain,
	&ka_cmd_diff,
	&ka_cmd_checks,
};

static void help(FILE *out)
{
	fputs("Usage: ksymaudit [-h|--help] [-V|--version] COMMAND [ARGS]\n"
	      "Audit Linux kernel builds for symbol-export license problems.\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < KA_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->help);
	fputs("  help      show this help, or a command's: ksymaudit help COMMAND\n\n"
	      "Run 'ksymaudit COMMAND --help' for a command's options; see ksymaudit(1).\n",
	      out);
}

static void version(void)
{
	printf("ksymaudit %s\n%cXZ %cZSTD %cGZIP %cDEBUGINFOD\n", PACKAGE_VERSION,
	       ENABLE_XZ ? '+' : '-', ENABLE_ZSTD ? '+' : '-',
	       ENABLE_ZLIB ? '+' : '-', ENABLE_DEBUGINFOD ? '+' : '-');
}

static const struct ka_command *find(const char *name)
{
	/* Exact names only: no prefix matching, so new commands never change
	 * what an abbreviation means. */
	for (size_t i = 0; i < KA_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const struct ka_command *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return KA_EXIT_OK;
		case 'V':
			version();
			return KA_EXIT_OK;
		default:
			help(stderr);
			return KA_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		help(stderr);
		return KA_EXIT_ERROR;
	}
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 >= argc) {
			help(stdout);
			return KA_EXIT_OK;
		}
		cmd = find(argv[optind + 1]);
		if (!cmd) {
			fprintf(stderr, "ksymaudit: help: unknown command '%s'\n",
				argv[optind + 1]);
			help(stderr);
			return KA_EXIT_ERROR;
		}
		char *args[] = {(char *)cmd->name, (char *)"--help", NULL};
		optind = 0;
		return cmd->handler(2, args);
	}
	cmd = find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "ksymaudit: unknown command '%s'\n", argv[optind]);
		help(stderr);
		return KA_EXIT_ERROR;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* reset getopt for the command's own parsing */
	return cmd->handler(argc, argv);
}
