/*
 * ksymaudit diff OLD NEW: what a kernel change breaks. Each side is a
 * `tree -j` report or a kernel read here; -m adds modules built against
 * OLD. When both are kernels, OLD is walked in a child process at the same
 * time as NEW here, and hands its facts back as a `tree -j` report: two
 * walks in one process were as slow as one after the other (threads of
 * one address space contend for its page tables while faulting in two
 * debug vmlinux images).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ksymaudit/checks.h"
#include "cmd.h"
#include "ksymaudit/diff.h"

enum {
	OPT_OLD_RELEASE = KA_OPT_FIRST_COMMAND_OPT,
	OPT_NEW_RELEASE,
	OPT_OLD_ROOT,
	OPT_NEW_ROOT,
	OPT_OLD_VMLINUX,
	OPT_NEW_VMLINUX,
	OPT_OLD_SYMVERS,
	OPT_NEW_SYMVERS,
	OPT_OLD_MODULES,
	OPT_NEW_MODULES,
	OPT_DEBUG_ROOT,
	OPT_MAX_DEPTH,
};

static void help(FILE *out)
{
	fputs("Usage: ksymaudit diff [OPTIONS] OLD NEW\n"
	      "What changed between two kernels for modules: exports that became\n"
	      "GPL-only, changed namespace or were removed, header inlines and\n"
	      "export wrappers that appeared or disappeared, new EXPORT_SYMBOL doors\n"
	      "into GPL-only code, and (-m) modules built against OLD that NEW breaks.\n"
	      "OLD and NEW are each a report written by 'ksymaudit tree -j', or a\n"
	      "kernel build directory (as 'tree -k DIR' reads it); the options below\n"
	      "give a kernel side instead of, or in addition to, a directory.\n"
	      "\n"
	      "Kernel sides (each --old-X has a --new-X twin):\n"
	      "      --old-release VER  Debian's layout of VER (as tree --release)\n"
	      "      --old-root DIR     the --old-release layout under DIR (packages\n"
	      "                         unpacked with dpkg-deb -x), not under /\n"
	      "      --old-vmlinux FILE kernel image linked with relocations\n"
	      "      --old-symvers FILE a Module.symvers (repeatable)\n"
	      "      --old-modules PATH module file or directory (repeatable)\n"
	      "      --new-release VER, --new-root DIR, --new-vmlinux FILE,\n"
	      "      --new-symvers FILE, --new-modules PATH\n"
	      "      --debug-root DIR   separate debug files (default /usr/lib/debug)\n"
	      "  -t, --threads N        files processed in parallel per kernel\n"
	      "      --max-depth N      export-wrapper/export-door walk depth (default 3)\n"
	      KA_WALK_HELP
	      "\n"
	      "Modules:\n"
	      "  -m, --module PATH      module built against OLD, or a directory of\n"
	      "                         them (repeatable): module-breaks\n"
	      "  -l, --license STRING   audit the modules as if their license were STRING\n"
	      "\n"
	      "  -w, --waivers FILE     also read waivers from FILE (repeatable)\n"
	      "  -r, --rules DIR        rules directory (license list, headers, waivers)\n"
	      "\n",
	      out);
	ka_cmd_help_output(out, false);
	fputs("\n", out);
	ka_cmd_help_checks(out, KA_SCOPE_DIFF);
	fputs("And the changes of inline-exposure and export-wrapper. Each finding\n"
	      "has a change: new, gone (a note) or changed; only new and changed\n"
	      "findings count for --fail-on.\n", out);
	ka_cmd_help_exit(out);
}


struct side {
	const char *name;     /* "OLD", "NEW" */
	const char *operand;  /* the positional argument, or NULL */
	const char *release, *root;
	struct ka_tree_inputs cli;
	bool by_options;      /* a kernel option names this side */
	struct ka_report rep;
	/* Walking a kernel. */
	struct ka_run run;
	struct ka_tree_opts topts;
	struct ka_tree_result res;
	bool walked;
	const struct ka_output_opts *o;
	const char *argv0;
	unsigned max_depth;
	char *label;
	struct ka_walk walk; /* its cache and progress */
	char walk_label[16];
	bool set_up;         /* side_setup ran */
	bool ready;          /* set up, ready to walk */
	pid_t child;         /* walking in a child process, or 0 */
	char *child_report;  /* the report it writes */
};

static bool is_report(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The release layout under root (an unpacked package tree). */
static void rooted_release(struct side *s)
{
	const char *r = s->root, *v = s->release;
	if (!s->cli.vmlinux)
		s->cli.vmlinux = s->cli.owned_vmlinux =
			xasprintf("%s/usr/lib/debug/boot/vmlinux-%s", r, v);
	if (!s->cli.module_dirs.n)
		strvec_push_owned(&s->cli.module_dirs,
				  xasprintf("%s/usr/lib/debug/lib/modules/%s/kernel",
					    r, v));
	if (!s->cli.symvers.n)
		strvec_push_owned(&s->cli.symvers,
				  xasprintf("%s/usr/src/linux-headers-%s/Module.symvers",
					    r, v));
	s->label = xasprintf("%s (%s)", v, r);
}

/* Loads a kernel side's rules and inputs, opens its cache. */
static void side_setup(struct side *s)
{
	s->set_up = true;
	ka_run_init(&s->run, "tree");
	s->run.max_depth = s->max_depth;
	s->topts = (struct ka_tree_opts){ .checks = true, .reach = true };
	if (ka_cmd_load_rules(&s->run, s->o, s->argv0) < 0 ||
	    ka_tree_inputs_setup(&s->run, &s->cli, &s->topts) < 0)
		return;
	snprintf(s->walk_label, sizeof(s->walk_label), "diff %s", s->name);
	ka_walk_begin(&s->walk, &s->cli, s->walk_label, false, &s->topts);
	s->ready = true;
}

static void walk(struct side *s)
{
	if (!s->ready)
		return;
	ka_tree_run(&s->run, &s->topts, &s->res);
	ka_walk_end(&s->walk, &s->res);
	s->walked = true;
	ka_checks_run_kernel(&s->run, &s->res);
}

/* Prepares a kernel side; false when it is a report to read. */
static bool side_kernel(struct side *s)
{
	if (s->operand && is_report(s->operand))
		return false;
	if (s->operand)
		s->cli.kernel = s->operand;
	if (s->release && s->root)
		rooted_release(s);
	else if (s->release)
		s->cli.release = s->release;
	if (!s->label)
		s->label = xstrdup(s->operand ? s->operand
				   : s->release ? s->release
				   : s->cli.vmlinux ? s->cli.vmlinux : s->name);
	return true;
}

/*
 * Walks s in a child process that writes what it found as a `tree -j`
 * report to a temporary file. Returns false when it cannot fork (the
 * caller walks here instead).
 */
static bool side_fork(struct side *s)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/ksymaudit-diff-XXXXXX",
			       dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return false;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		unlink(path);
		free(path);
		return false;
	}
	if (pid == 0) {
		/* The child: walk, write the report, leave without cleanup. */
		struct ka_kfacts kf = { 0 };
		FILE *out = fdopen(fd, "w");
		if (!s->set_up)
			side_setup(s);
		walk(s);
		if (s->walked) {
			s->res.facts.max_depth = s->run.max_depth;
			s->run.kfacts = &s->res.facts;
		} else {
			s->run.kfacts = &kf; /* with its problems, even empty */
		}
		int r = out ? ka_emit_json.emit(out, &s->run, NULL) : -EIO;
		if (!out || fclose(out) != 0 || r < 0)
			_exit(3);
		_exit(0);
	}
	close(fd);
	s->child = pid;
	s->child_report = path;
	ka_walk_end(&s->walk, NULL); /* the child's copy is the one used */
	return true;
}

/* The run's input kinds are static strings. */
static const char *static_kind(const char *kind)
{
	static const char *const kinds[] = {
		"module", "symvers", "vmlinux", "directory", "report",
	};
	for (size_t i = 0; i < KA_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i], kind))
			return kinds[i];
	return "input";
}

/* Collects a side walked in a child: its report, inputs and problems. */
static void side_collect(struct side *s, struct ka_run *run)
{
	int st = 0;
	while (waitpid(s->child, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		ka_diag_add(&run->diags, true, s->label, 0,
			    "the walk of %s failed (%s %d)", s->name,
			    WIFSIGNALED(st) ? "signal" : "exit status",
			    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	} else if (ka_report_read(s->child_report, &s->rep, &run->diags) == 0) {
		for (size_t i = 0; i < s->rep.n_inputs; i++)
			ka_run_add_input(run, s->rep.inputs[i].path,
					 static_kind(s->rep.inputs[i].kind),
					 s->rep.inputs[i].ok);
		for (size_t i = 0; i < s->rep.errors.n; i++) {
			const struct ka_diag *d = &s->rep.errors.v[i];
			ka_diag_add(&run->diags, d->fatal, d->file, d->line,
				    "%s", d->message);
		}
		free(s->rep.path);
		s->rep.path = xstrdup(s->label);
	}
	unlink(s->child_report);
}

/* Collects a side into run: its report, inputs and input problems. */
static void side_finish(struct side *s, struct ka_run *run)
{
	if (s->child) {
		side_collect(s, run);
		return;
	}
	if (s->operand && !s->cli.kernel) {
		if (ka_report_read(s->operand, &s->rep, &run->diags) == 0)
			ka_run_add_input(run, s->operand, "report", true);
		else
			ka_run_add_input(run, s->operand, "report", false);
		return;
	}
	for (size_t i = 0; i < s->run.n_inputs; i++)
		ka_run_add_input(run, s->run.inputs[i].path,
				 s->run.inputs[i].kind, s->run.inputs[i].ok);
	for (size_t i = 0; i < s->run.diags.n; i++) {
		const struct ka_diag *d = &s->run.diags.v[i];
		ka_diag_add(&run->diags, d->fatal, d->file, d->line, "%s",
			    d->message);
	}
	if (s->walked)
		ka_report_from_tree(&s->rep, s->label, &s->run, &s->res);
	else
		s->rep = (struct ka_report){ .path = xstrdup(s->label) };
}

static void side_free(struct side *s)
{
	if (s->walked)
		ka_tree_result_free(&s->res);
	strvec_free(&s->topts.modules);
	ka_tree_inputs_free(&s->cli);
	if (s->run.command)
		ka_run_free(&s->run);
	ka_report_free(&s->rep);
	free(s->label);
	free(s->child_report);
}

static int side_opt(struct side *old, struct side *nw, int c, const char *arg)
{
	struct side *s = NULL;
	switch (c) {
	case OPT_OLD_RELEASE: old->release = arg; s = old; break;
	case OPT_NEW_RELEASE: nw->release = arg; s = nw; break;
	case OPT_OLD_ROOT: old->root = arg; s = old; break;
	case OPT_NEW_ROOT: nw->root = arg; s = nw; break;
	case OPT_OLD_VMLINUX: old->cli.vmlinux = arg; s = old; break;
	case OPT_NEW_VMLINUX: nw->cli.vmlinux = arg; s = nw; break;
	case OPT_OLD_SYMVERS: strvec_push(&old->cli.symvers, arg); s = old; break;
	case OPT_NEW_SYMVERS: strvec_push(&nw->cli.symvers, arg); s = nw; break;
	case OPT_OLD_MODULES: strvec_push(&old->cli.module_dirs, arg); s = old; break;
	case OPT_NEW_MODULES: strvec_push(&nw->cli.module_dirs, arg); s = nw; break;
	default: return 0;
	}
	s->by_options = true;
	return 1;
}

int ka_diff_run(int argc, char *argv[], const struct ka_diff_mode *mode)
{
	static const struct option longopts[] = {
		{"old-release", required_argument, NULL, OPT_OLD_RELEASE},
		{"new-release", required_argument, NULL, OPT_NEW_RELEASE},
		{"old-root", required_argument, NULL, OPT_OLD_ROOT},
		{"new-root", required_argument, NULL, OPT_NEW_ROOT},
		{"old-vmlinux", required_argument, NULL, OPT_OLD_VMLINUX},
		{"new-vmlinux", required_argument, NULL, OPT_NEW_VMLINUX},
		{"old-symvers", required_argument, NULL, OPT_OLD_SYMVERS},
		{"new-symvers", required_argument, NULL, OPT_NEW_SYMVERS},
		{"old-modules", required_argument, NULL, OPT_OLD_MODULES},
		{"new-modules", required_argument, NULL, OPT_NEW_MODULES},
		{"debug-root", required_argument, NULL, OPT_DEBUG_ROOT},
		{"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
		{"threads", required_argument, NULL, 't'},
		KA_WALK_LONGOPTS,
		{"module", required_argument, NULL, 'm'},
		{"license", required_argument, NULL, 'l'},
		{"waivers", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		KA_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct side old = { .name = "OLD" }, nw = { .name = "NEW" };
	struct ka_output_opts o;
	struct ka_run run;
	struct strvec modules = { 0 }, waivers = { 0 };
	const char *debug_root = NULL;
	struct ka_module_inlines *mi = NULL;
	struct ka_tree_inputs scratch = { 0 };
	int status = -1, c;

	ka_output_opts_init(&o, false);
	ka_run_init(&run, mode->command);
	optind = 0;
	while ((c = getopt_long(argc, argv, "hl:m:t:w:" KA_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		int r = side_opt(&old, &nw, c, optarg);
		switch (c) {
		case 'h':
			help(stdout);
			status = KA_EXIT_OK;
			goto out;
		case 'm': strvec_push(&modules, optarg); r = 1; break;
		case 'l': run.license_override = optarg; r = 1; break;
		case 'w': strvec_push(&waivers, optarg); r = 1; break;
		case OPT_DEBUG_ROOT: debug_root = optarg; r = 1; break;
		case 't':
			r = ka_tree_cli_opt(&scratch, &run, 't', optarg);
			break;
		case OPT_MAX_DEPTH:
			r = ka_tree_cli_opt(&scratch, &run, KA_TOPT_MAX_DEPTH,
					    optarg);
			break;
		case KA_TOPT_CACHE_DIR:
		case KA_TOPT_NO_CACHE:
		case KA_TOPT_CACHE_SIZE:
		case KA_TOPT_PROGRESS:
			r = ka_tree_cli_opt(&scratch, &run, c, optarg);
			break;
		}
		if (r == 0)
			r = ka_output_opt(&o, c, optarg);
		if (r == 1)
			continue;
		if (r == 0)
			fputs("Try 'ksymaudit diff --help'.\n", stderr);
		status = KA_EXIT_ERROR;
		goto out;
	}
	if (!strcmp(o.format, "dot")) {
		ka_err("diff: no dot output; use text, json or sarif");
		status = KA_EXIT_ERROR;
		goto out;
	}
	/* Operands fill the sides that options do not name. */
	int need = !old.by_options + !nw.by_options, have = argc - optind;
	if (have > 2 || have < need) {
		ka_err("diff: %s", have > 2 ? "too many arguments"
			: "give OLD and NEW (reports or kernel directories, or "
			  "--old-*/--new-* options)");
		fputs("Try 'ksymaudit diff --help'.\n", stderr);
		status = KA_EXIT_ERROR;
		goto out;
	}
	if (have == 2) {
		old.operand = argv[optind];
		nw.operand = argv[optind + 1];
	} else if (have == 1) {
		if (!old.by_options)
			old.operand = argv[optind];
		else
			nw.operand = argv[optind];
	}
	for (struct side *s = &old; s; s = s == &old ? &nw : NULL) {
		if (s->operand && s->by_options && is_report(s->operand)) {
			ka_err("diff: %s is a report: --%s-* options name a kernel",
			       s->operand, s == &old ? "old" : "new");
			status = KA_EXIT_ERROR;
			goto out;
		}
		if (s->root && !s->release) {
			ka_err("diff: --%s-root needs --%s-release",
			       s == &old ? "old" : "new", s == &old ? "old" : "new");
			status = KA_EXIT_ERROR;
			goto out;
		}
		s->o = &o;
		s->argv0 = argv[0];
		s->max_depth = run.max_depth;
		s->cli.threads = scratch.threads;
		s->cli.debug_root = debug_root;
		s->cli.cache_dir = scratch.cache_dir;
		s->cli.no_cache = scratch.no_cache;
		s->cli.cache_max = scratch.cache_max;
		s->cli.progress = scratch.progress;
	}

	if (mode->upgrade) {
		/* upgrade: what NEW does to the modules, and nothing else. */
		strvec_push(&run.rules.active_checks, ka_check_module_breaks.id);
		strvec_push(&run.rules.active_checks, ka_check_symbol_get.id);
	} else {
		ka_cmd_set_active_checks(&run, KA_SCOPE_DIFF);
		/* diff reports the changes of these tree checks too. */
		strvec_push(&run.rules.active_checks, ka_check_inline_exposure.id);
		strvec_push(&run.rules.active_checks, ka_check_export_wrapper.id);
	}
	if (ka_cmd_load_rules(&run, &o, argv[0]) < 0)
		goto finish;
	for (size_t i = 0; i < waivers.n; i++)
		ka_waivers_load(waivers.v[i], &run.rules, &run.diags);

	/* Both kernels at once: each pass is mostly one long vmlinux job.
	 * Not when OLD's kernel image is in the cache: its walk is then
	 * short, and the child's report would cost more than it saves. */
	bool old_kernel = side_kernel(&old), new_kernel = side_kernel(&nw);
	bool may_cache = !scratch.no_cache && (scratch.cache_dir ||
					       getenv("XDG_CACHE_HOME") ||
					       getenv("HOME"));
	/* With a cache, OLD's inputs are read here first (its key needs
	 * them); without, in the child, at the same time as NEW's. */
	if (old_kernel && may_cache)
		side_setup(&old);
	if (!(old_kernel && new_kernel &&
	      !(old.set_up && (!old.ready ||
			       ka_walk_cached(&old.walk, &old.run, &old.topts))) &&
	      side_fork(&old))) {
		if (old_kernel && !old.set_up)
			side_setup(&old);
		walk(&old);
	}
	if (new_kernel) {
		side_setup(&nw);
		walk(&nw);
	}
	side_finish(&old, &run);
	side_finish(&nw, &run);
	if (ka_diags_have_fatal(&run.diags))
		goto finish;
	if (old.rep.facts.max_depth != nw.rep.facts.max_depth)
		ka_diag_add(&run.diags, false, NULL, 0,
			    "OLD and NEW were walked with different depths "
			    "(%u and %u): export-door compares unlike facts",
			    old.rep.facts.max_depth, nw.rep.facts.max_depth);

	if (modules.n) {
		for (size_t i = 0; i < modules.n; i++)
			ka_modules_collect(&run, modules.v[i]);
		mi = xcalloc(run.n_modules + 1, sizeof(*mi));
		/* Inlines matter to modules that see no GPL-only export: by
		 * their license or an inherited proprietary taint. */
		struct ka_taint *t = ka_loader_taints(&run, NULL);
		for (size_t i = 0; i < run.n_modules; i++) {
			const struct ka_module *m = run.modules[i];
			if (!t[i].tainted)
				continue;
			ka_module_inlines_read(&run, m, debug_root, &mi[i]);
			if (!mi[i].have_dwarf)
				ka_diag_add(&run.diags, false, m->path, 0,
					    "no debug info: the header inlines "
					    "it uses are not checked");
		}
		free(t);
	}
	struct ka_diff d = { .old_side = &old.rep, .new_side = &nw.rep,
			     .mod_inlines = mi, .n_mod_inlines = run.n_modules,
			     .upgrade = mode->upgrade };
	ka_checks_run_diff(&run, &d);

finish:
	status = ka_cmd_finish(&run, &o);
out:
	for (size_t i = 0; mi && i < run.n_modules; i++)
		ka_module_inlines_free(&mi[i]);
	free(mi);
	side_free(&old);
	side_free(&nw);
	strvec_free(&modules);
	strvec_free(&waivers);
	ka_tree_inputs_free(&scratch);
	ka_run_free(&run);
	return status;
}

static int do_diff(int argc, char *argv[])
{
	static const struct ka_diff_mode mode = { .command = "diff" };
	return ka_diff_run(argc, argv, &mode);
}

const struct ka_command ka_cmd_diff = {
	.name = "diff",
	.handler = do_diff,
	.help = "compare two kernels (reports or trees): what a change breaks",
};
