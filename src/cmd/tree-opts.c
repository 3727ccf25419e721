/* The kernel-side options that tree and explain share, and their progress. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

int ka_tree_cli_parse(const char *cmd, int argc, char *argv[],
		      void (*help)(FILE *out), struct ka_tree_inputs *cli,
		      struct ka_run *run, struct ka_output_opts *o)
{
	static const struct option longopts[] = {
		KA_TREE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		KA_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h" KA_TREE_SHORTOPTS
				KA_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		int r;

		if (c == 'h') {
			help(stdout);
			return KA_EXIT_OK;
		}
		r = ka_tree_cli_opt(cli, run, c, optarg);
		if (r == 0)
			r = ka_output_opt(o, c, optarg);
		if (r == 1)
			continue;
		if (r == 0)
			fprintf(stderr, "Try 'ksymaudit %s --help'.\n", cmd);
		return KA_EXIT_ERROR;
	}
	if (!cli->kernel && !cli->symvers.n && !cli->vmlinux && !cli->release) {
		ka_err("%s: no kernel given: use --release, --kernel, or "
		       "--vmlinux with --modules and --symvers", cmd);
		fprintf(stderr, "Try 'ksymaudit %s --help'.\n", cmd);
		return KA_EXIT_ERROR;
	}
	return -1;
}

void ka_tree_progress(unsigned done, unsigned total, void *cmd)
{
	fprintf(stderr, "\rksymaudit: %s: %u/%u files", (const char *)cmd,
		done, total);
	if (done == total)
		fputc('\n', stderr);
}

int ka_tree_cli_opt(struct ka_tree_inputs *cli, struct ka_run *run, int opt,
		    const char *arg)
{
	char *end;
	unsigned long v;
	switch (opt) {
	case 'k': cli->kernel = arg; return 1;
	case 'm': strvec_push(&cli->module_dirs, arg); return 1;
	case 's': strvec_push(&cli->symvers, arg); return 1;
	case 'w': strvec_push(&cli->waivers, arg); return 1;
	case KA_TOPT_VMLINUX: cli->vmlinux = arg; return 1;
	case KA_TOPT_RELEASE: cli->release = arg; return 1;
	case KA_TOPT_DEBUG_ROOT: cli->debug_root = arg; return 1;
	case 't':
	case KA_TOPT_MAX_DEPTH:
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || !*arg || v == 0 || v > 16) {
			ka_err("%s takes a number from 1 to 16, not '%s'",
			       opt == 't' ? "--threads" : "--max-depth", arg);
			return -1;
		}
		if (opt == 't')
			cli->threads = (unsigned)v;
		else
			run->max_depth = (unsigned)v;
		return 1;
	}
	return 0;
}


