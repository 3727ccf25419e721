/*
 * ksymaudit diff OLD NEW: what a kernel change breaks. Each side is a
 * `tree -j` report or a kernel read here (src/model/diff-run.c); -m adds
 * modules built against OLD.
 */
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/diff.h"
#include "cmd.h"

/* --old-X and --new-X: the spec of one side, which they name. */
#define SIDE_SETTERS(S)                                                        \
	static int set_##S##_release(struct ka_cli *c, const char *a)          \
	{ c->S.k.spec.release = a; c->S.by_options = true; return 0; }      \
	static int set_##S##_root(struct ka_cli *c, const char *a)             \
	{ c->S.k.spec.root = a; c->S.by_options = true; return 0; }         \
	static int set_##S##_vmlinux(struct ka_cli *c, const char *a)          \
	{ c->S.k.spec.vmlinux = a; c->S.by_options = true; return 0; }      \
	static int set_##S##_symvers(struct ka_cli *c, const char *a)          \
	{ strvec_push(&c->S.k.spec.symvers, a); c->S.by_options = true; return 0; } \
	static int set_##S##_modules(struct ka_cli *c, const char *a)          \
	{ strvec_push(&c->S.k.spec.module_dirs, a); c->S.by_options = true; return 0; }
SIDE_SETTERS(old)
SIDE_SETTERS(nw)

static int set_module(struct ka_cli *c, const char *arg)
{
	strvec_push(&c->modules, arg);
	return 0;
}

static const struct ka_opt options[] = {
	KA_OPT_HEAD("Kernel sides:"),
	{"old-release", 0, "VER", "Debian's layout of VER (as tree --release)", set_old_release},
	{"old-root", 0, "DIR", "the --old-release layout under DIR (packages\n"
	 "unpacked with dpkg-deb -x), not under /", set_old_root},
	{"old-vmlinux", 0, "FILE", "kernel image linked with relocations", set_old_vmlinux},
	{"old-symvers", 0, "FILE", "a Module.symvers (repeatable)", set_old_symvers},
	{"old-modules", 0, "PATH", "module file or directory (repeatable)", set_old_modules},
	{"new-release", 0, "VER", "as --old-release, for NEW", set_nw_release},
	{"new-root", 0, "DIR", "as --old-root, for NEW", set_nw_root},
	{"new-vmlinux", 0, "FILE", "as --old-vmlinux, for NEW", set_nw_vmlinux},
	{"new-symvers", 0, "FILE", "as --old-symvers, for NEW", set_nw_symvers},
	{"new-modules", 0, "PATH", "as --old-modules, for NEW", set_nw_modules},
	KA_OPT_ROWS(ka_run_rows),
	KA_OPT_ROWS(ka_walk_rows),
	KA_OPT_HEAD("Modules:"),
	{"module", 'm', "PATH", "module built against OLD, or a directory of\n"
	 "them (repeatable): module-breaks", set_module},
	KA_OPT_ROWS(ka_license_rows),
	KA_OPT_ROWS(ka_output_rows),
	KA_OPT_END,
};

static void help_tail(FILE *out)
{
	ka_cmd_help_checks(out, KA_SCOPE_DIFF);
	fputs("And the changes of inline-exposure and export-wrapper. Each finding\n"
	      "has a change: new, gone (a note) or changed; only new and changed\n"
	      "findings count for --fail-on.\n", out);
	ka_cmd_help_exit(out);
}

static int write_report(FILE *out, const struct ka_run *run)
{
	return ka_emit_json.emit(out, run, NULL);
}

int ka_cmd_diff_run(struct ka_cli *c, bool upgrade)
{
	struct ka_run *run = &c->run;
	struct ka_progress po, pn;
	struct ka_module_inlines *mi = NULL;

	if (upgrade) {
		/* upgrade: what NEW does to the modules, and nothing else. */
		strvec_push(&run->rules.active_checks, ka_check_module_breaks.id);
		strvec_push(&run->rules.active_checks, ka_check_symbol_get.id);
	} else {
		ka_cmd_set_active_checks(run, KA_SCOPE_DIFF);
		/* diff reports the changes of these tree checks too. */
		strvec_push(&run->rules.active_checks, ka_check_inline_exposure.id);
		strvec_push(&run->rules.active_checks, ka_check_export_wrapper.id);
	}
	c->old.name = "OLD";
	c->nw.name = "NEW";
	ka_cmd_side_hooks(&c->old.k, &po, c->progress, false, ka_checks_run_kernel);
	ka_cmd_side_hooks(&c->nw.k, &pn, c->progress, false, ka_checks_run_kernel);
	if (ka_run_load_rules(run) < 0 ||
	    ka_diff_sides_load(run, &c->old, &c->nw, write_report) < 0)
		goto finish;
	for (size_t i = 0; i < c->modules.n; i++)
		ka_modules_collect(run, c->modules.v[i]);
	if (c->modules.n) {
		mi = xcalloc(run->n_modules + 1, sizeof(*mi));
		/* Inlines matter to modules that see no GPL-only export: by
		 * their license or an inherited proprietary taint. */
		struct ka_taint *t = ka_loader_taints(run, NULL);
		for (size_t i = 0; i < run->n_modules; i++) {
			const struct ka_module *m = run->modules[i];
			if (!t[i].tainted)
				continue;
			ka_module_inlines_read(run, m, run->debug_root, &mi[i]);
			if (!mi[i].have_dwarf)
				ka_diag_add(&run->diags, false, m->path, 0,
					    "no debug info: the header inlines "
					    "it uses are not checked");
		}
		free(t);
	}
	struct ka_diff d = { .old_side = &c->old.rep, .new_side = &c->nw.rep,
			     .mod_inlines = mi, .n_mod_inlines = run->n_modules,
			     .upgrade = upgrade };
	ka_checks_run_diff(run, &d);
finish:;
	int status = ka_cmd_finish(run, &c->o);
	for (size_t i = 0; mi && i < run->n_modules; i++)
		ka_module_inlines_free(&mi[i]);
	free(mi);
	return status;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int do_diff(int argc, char *argv[])
{
	struct ka_cli c;
	int status = ka_cli_parse(&c, &ka_cmd_diff, argc, argv);
	if (status >= 0)
		goto out;
	/* Operands fill the sides that options do not name. */
	int need = !c.old.by_options + !c.nw.by_options, have = argc - optind;
	if (have > 2 || have < need) {
		status = ka_cli_usage(&c, "%s", have > 2 ? "too many arguments"
			: "give OLD and NEW (reports or kernel directories, or "
			  "--old-*/--new-* options)");
		goto out;
	}
	if (have == 2) {
		c.old.operand = argv[optind];
		c.nw.operand = argv[optind + 1];
	} else if (have == 1) {
		*(!c.old.by_options ? &c.old.operand : &c.nw.operand) = argv[optind];
	}
	for (struct ka_diff_side *s = &c.old; s; s = s == &c.old ? &c.nw : NULL) {
		const char *n = s == &c.old ? "old" : "new";
		status = KA_EXIT_ERROR;
		if (s->operand && s->by_options && is_file(s->operand)) {
			ka_err("diff: %s is a report: --%s-* options name a kernel",
			       s->operand, n);
			goto out;
		}
		if (s->k.spec.root && !s->k.spec.release) {
			ka_err("diff: --%s-root needs --%s-release", n, n);
			goto out;
		}
	}
	status = ka_cmd_diff_run(&c, false);
out:
	ka_cli_free(&c);
	return status;
}

const struct ka_command ka_cmd_diff = {
	.name = "diff",
	.handler = do_diff,
	.help = "compare two kernels (reports or trees): what a change breaks",
	.usage = "[OPTIONS] OLD NEW",
	.about = "What changed between two kernels for modules: exports that became\n"
		 "GPL-only, changed namespace or were removed, header inlines and\n"
		 "export wrappers that appeared or disappeared, new EXPORT_SYMBOL doors\n"
		 "into GPL-only code, and (-m) modules built against OLD that NEW breaks.\n"
		 "OLD and NEW are each a report written by 'ksymaudit tree -j', or a\n"
		 "kernel build directory (as 'tree -k DIR' reads it); the options below\n"
		 "give a kernel side instead of, or in addition to, a directory.\n",
	.options = options,
	.help_tail = help_tail,
};
