/* ksymaudit check: audit modules against a kernel's exports, as modpost. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "ksymaudit/checks.h"
#include "cmd.h"
#include "ksymaudit/sites.h"

enum {
	OPT_VMLINUX = KA_OPT_FIRST_COMMAND_OPT,
	OPT_EXPLAIN_ALL,
	OPT_NO_EXPLAIN,
	OPT_DEBUGINFO,
	OPT_DEBUGINFOD,
};

static const struct option longopts[] = {
	{"kernel", required_argument, NULL, 'k'},
	{"symvers", required_argument, NULL, 's'},
	{"vmlinux", required_argument, NULL, OPT_VMLINUX},
	{"license", required_argument, NULL, 'l'},
	{"explain-all", no_argument, NULL, OPT_EXPLAIN_ALL},
	{"no-explain", no_argument, NULL, OPT_NO_EXPLAIN},
	{"debuginfo", required_argument, NULL, OPT_DEBUGINFO},
	{"debuginfod", no_argument, NULL, OPT_DEBUGINFOD},
	{"waivers", required_argument, NULL, 'w'},
	{"threads", required_argument, NULL, 't'},
	{"help", no_argument, NULL, 'h'},
	KA_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0},
};

static void help(FILE *out)
{
	fputs("Usage: ksymaudit check [OPTIONS] MODULE...\n"
	      "Audit kernel modules against a kernel's exports, as modpost does, and\n"
	      "explain every GPL-only use down to the header inline and source line.\n"
	      "MODULE is a .ko, .ko.xz, .ko.zst, .ko.gz, a module .o, or a directory\n"
	      "searched recursively (a /lib/modules/VERSION tree included).\n"
	      "\n"
	      "Kernel side (default: the kernel named by the first module's vermagic,\n"
	      "/lib/modules/VERSION/build, else the running kernel's):\n"
	      "  -k, --kernel DIR       kernel build or headers directory: its\n"
	      "                         Module.symvers, and vmlinux.o or vmlinux\n"
	      "  -s, --symvers FILE     a Module.symvers to read (repeatable, like\n"
	      "                         KBUILD_EXTRA_SYMBOLS)\n"
	      "      --vmlinux FILE     read exports from this vmlinux or vmlinux.o\n"
	      "\n"
	      "Audit:\n"
	      "  -l, --license STRING   audit every module as if its license were STRING\n"
	      "  -r, --rules DIR        rules directory (license list, headers, waivers)\n"
	      "      --explain-all      attribute every GPL-only import, in GPL modules too\n"
	      "      --no-explain       do not attribute sites (no debug info is read)\n"
	      "      --debuginfo DIR    also look for separate debug files under DIR\n"
	      "      --debuginfod       allow debuginfod to fetch debug info (off by default)\n"
	      "  -w, --waivers FILE     also read waivers from FILE (repeatable)\n"
	      "  -t, --threads N        attribute N modules at a time (1-16; default:\n"
	      "                         one per CPU; the report is the same)\n"
	      "\n",
	      out);
	ka_cmd_help_output(out, false);
	fputc('\n', out);
	ka_cmd_help_checks(out, KA_SCOPE_MODULE);
	ka_cmd_help_exit(out);
}

/* First word of vermagic: the kernel release the module was built for. */
static char *vermagic_release(const struct ka_run *run)
{
	for (size_t i = 0; i < run->n_modules; i++) {
		const char *v = run->modules[i]->vermagic;
		if (v && *v)
			return xstrndup(v, strcspn(v, " "));
	}
	return NULL;
}

static bool has_symvers(const char *dir)
{
	char *p = xasprintf("%s/Module.symvers", dir);
	struct stat st;
	bool r = stat(p, &st) == 0;
	free(p);
	return r;
}

/* The kernel dir to use when none was given, or NULL. */
static char *default_kernel_dir(const struct ka_run *run)
{
	char *rel = vermagic_release(run);
	struct utsname u;
	const char *releases[2] = {rel, uname(&u) == 0 ? u.release : NULL};

	for (size_t i = 0; i < 2; i++) {
		char *cand[2];

		if (!releases[i])
			continue;
		cand[0] = xasprintf("/lib/modules/%s/build", releases[i]);
		cand[1] = xasprintf("/usr/src/linux-headers-%s", releases[i]);
		for (size_t j = 0; j < 2; j++) {
			if (has_symvers(cand[j])) {
				char *r = cand[j];
				free(cand[1 - j]);
				free(rel);
				return r;
			}
		}
		free(cand[0]);
		free(cand[1]);
	}
	free(rel);
	return NULL;
}

static int do_check(int argc, char *argv[])
{
	struct ka_output_opts o;
	struct ka_run run;
	struct strvec symvers = {0}, waivers = {0};
	const char *kernel = NULL, *vmlinux = NULL;
	char *auto_kernel = NULL;
	unsigned threads = 0;
	unsigned long v;
	char *end;
	int c, status;

	ka_output_opts_init(&o, false);
	ka_run_init(&run, "check");
	while ((c = getopt_long(argc, argv, "k:s:l:t:w:h" KA_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 's': strvec_push(&symvers, optarg); break;
		case OPT_VMLINUX: vmlinux = optarg; break;
		case 'l': run.license_override = optarg; break;
		case 'w': strvec_push(&waivers, optarg); break;
		case OPT_EXPLAIN_ALL: run.explain_all = true; break;
		case OPT_NO_EXPLAIN: run.explain = false; break;
		case OPT_DEBUGINFO: run.debuginfo_dir = optarg; break;
		case OPT_DEBUGINFOD: run.debuginfod = true; break;
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || v == 0 || v > 16) {
				ka_err("--threads takes a number from 1 to 16, not '%s'",
				       optarg);
				status = KA_EXIT_ERROR;
				goto out;
			}
			threads = (unsigned)v;
			break;
		case 'h':
			help(stdout);
			status = KA_EXIT_OK;
			goto out;
		default:
			switch (ka_output_opt(&o, c, optarg)) {
			case 1:
				continue;
			case 0:
				fputs("Try 'ksymaudit check --help'.\n", stderr);
			}
			status = KA_EXIT_ERROR;
			goto out;
		}
	}
	if (optind >= argc) {
		ka_err("check: no module given");
		fputs("Try 'ksymaudit check --help'.\n", stderr);
		status = KA_EXIT_ERROR;
		goto out;
	}

	ka_cmd_set_active_checks(&run, KA_SCOPE_MODULE);
	if (ka_cmd_load_rules(&run, &o, argv[0]) < 0)
		goto finish; /* without the license list no verdict is sound */
	for (size_t i = 0; i < waivers.n; i++)
		ka_waivers_load(waivers.v[i], &run.rules, &run.diags);

	/*
	 * The kernel's exports go first, so that they win over a module that
	 * exports the same name; without a kernel side the modules' vermagic
	 * names it, so then the modules are read first.
	 */
	if (kernel || symvers.n || vmlinux) {
		/*
		 * A kernel side that cannot be read is reported (exit 2); the
		 * modules are still read and audited against what was read.
		 */
		(void)ka_kernel_load(&run, kernel, &symvers, vmlinux);
		for (int i = optind; i < argc; i++)
			ka_modules_collect(&run, argv[i]);
	} else {
		for (int i = optind; i < argc; i++)
			ka_modules_collect(&run, argv[i]);
		auto_kernel = default_kernel_dir(&run);
		if (!auto_kernel) {
			ka_diag_add(&run.diags, true, NULL, 0,
				    "no kernel exports to check against: give --kernel, --symvers or --vmlinux");
			goto finish;
		}
		if (ka_kernel_load(&run, auto_kernel, NULL, NULL) < 0)
			goto finish;
	}

	ka_checks_run_modules(&run);
	if (run.explain || run.explain_all)
		ka_sites_attribute(&run, threads);

finish:
	status = ka_cmd_finish(&run, &o);
out:
	ka_run_free(&run);
	strvec_free(&symvers);
	strvec_free(&waivers);
	free(auto_kernel);
	return status;
}

const struct ka_command ka_cmd_check = {
	.name = "check",
	.handler = do_check,
	.help = "audit modules against a kernel's exports (modpost's verdict, explained)",
};
