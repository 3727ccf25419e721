/*
 * The two sides of a diff, read or walked. When both are kernels, OLD is
 * walked in a child process at the same time as NEW here, and hands its
 * facts back as a `tree -j` report: two walks in one process were as slow
 * as one after the other (threads of one address space contend for its
 * page tables while faulting in two debug vmlinux images).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ksymaudit/diff.h"
#include "ksymaudit/side.h"

static bool is_report(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Prepares a kernel side; false when it is a report to read. */
static bool side_kernel(struct ka_diff_side *s)
{
	struct ka_tree_inputs *in = &s->k.spec;
	if (s->operand && is_report(s->operand))
		return false;
	if (s->operand)
		in->kernel = s->operand;
	if (in->release && in->root)
		s->label = xasprintf("%s (%s)", in->release, in->root);
	else
		s->label = xstrdup(s->operand ? s->operand
				   : in->release ? in->release
				   : in->vmlinux ? in->vmlinux : s->name);
	return true;
}

/* Reads a kernel side's rules and inputs with main's options, opens its cache. */
static void side_setup(struct ka_diff_side *s, const struct ka_run *main)
{
	ka_run_inherit(&s->run, "tree", main);
	s->k.run = &s->run;
	s->k.topts.checks = s->k.topts.reach = true;
	snprintf(s->walk_label, sizeof(s->walk_label), "diff %s", s->name);
	s->k.label = s->walk_label;
	(void)ka_side_open(&s->k);
}

/*
 * Walks s in a child process that writes what it found as a `tree -j`
 * report to a temporary file. Returns false when it cannot fork (the
 * caller walks here instead).
 */
static bool side_fork(struct ka_diff_side *s, const struct ka_run *main,
		      int (*write_report)(FILE *, const struct ka_run *))
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
		if (!s->k.run)
			side_setup(s, main);
		ka_side_walk(&s->k);
		if (s->k.walked) {
			s->k.res.facts.max_depth = s->run.max_depth;
			s->run.kfacts = &s->k.res.facts;
		} else {
			s->run.kfacts = &kf; /* with its problems, even empty */
		}
		int r = out ? write_report(out, &s->run) : -EIO;
		if (!out || fclose(out) != 0 || r < 0)
			_exit(3);
		_exit(0);
	}
	close(fd);
	s->child = pid;
	s->child_report = path;
	ka_side_close_cache(&s->k); /* the child's copy is the one used */
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
static void side_collect(struct ka_diff_side *s, struct ka_run *run)
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
			/* A problem of the side itself, not of a file. */
			ka_diag_add(&run->diags, d->fatal,
				    d->file ? d->file : s->label, d->line,
				    "%s", d->message);
		}
		free(s->rep.path);
		s->rep.path = xstrdup(s->label);
	}
	unlink(s->child_report);
}

/* Collects a side into run: its report, inputs and input problems. */
static void side_finish(struct ka_diff_side *s, struct ka_run *run)
{
	if (s->child) {
		side_collect(s, run);
		return;
	}
	if (s->operand && !s->k.spec.kernel) {
		bool ok = ka_report_read(s->operand, &s->rep, &run->diags) == 0;
		ka_run_add_input(run, s->operand, "report", ok);
		return;
	}
	for (size_t i = 0; i < s->run.n_inputs; i++)
		ka_run_add_input(run, s->run.inputs[i].path,
				 s->run.inputs[i].kind, s->run.inputs[i].ok);
	for (size_t i = 0; i < s->run.diags.n; i++) {
		const struct ka_diag *d = &s->run.diags.v[i];
		ka_diag_add(&run->diags, d->fatal, d->file ? d->file : s->label,
			    d->line, "%s", d->message);
	}
	if (s->k.walked)
		ka_report_from_tree(&s->rep, s->label, &s->run, &s->k.res);
	else
		s->rep = (struct ka_report){ .path = xstrdup(s->label) };
}

int ka_diff_sides_load(struct ka_run *run, struct ka_diff_side *old,
		       struct ka_diff_side *nw,
		       int (*write_report)(FILE *out, const struct ka_run *r))
{
	/* Both kernels at once: each pass is mostly one long vmlinux job.
	 * Not when OLD's kernel image is in the cache: its walk is then
	 * short, and the child's report would cost more than it saves. */
	bool old_kernel = side_kernel(old), new_kernel = side_kernel(nw);
	bool may_cache = !run->no_cache && (run->cache_dir ||
					    getenv("XDG_CACHE_HOME") ||
					    getenv("HOME"));
	/* With a cache, OLD's inputs are read here first (its key needs
	 * them); without, in the child, at the same time as NEW's. */
	if (old_kernel && may_cache)
		side_setup(old, run);
	if (!(old_kernel && new_kernel &&
	      !(old->k.run && (!old->k.ready || ka_side_cached(&old->k))) &&
	      side_fork(old, run, write_report))) {
		if (old_kernel && !old->k.run)
			side_setup(old, run);
		ka_side_walk(&old->k);
	}
	if (new_kernel) {
		side_setup(nw, run);
		ka_side_walk(&nw->k);
	}
	side_finish(old, run);
	side_finish(nw, run);
	if (ka_diags_have_fatal(&run->diags))
		return -1;
	if (old->rep.facts.max_depth != nw->rep.facts.max_depth)
		ka_diag_add(&run->diags, false, NULL, 0,
			    "OLD and NEW were walked with different depths "
			    "(%u and %u): export-door compares unlike facts",
			    old->rep.facts.max_depth, nw->rep.facts.max_depth);
	return 0;
}

void ka_diff_side_free(struct ka_diff_side *s)
{
	if (!s)
		return;
	ka_side_free(&s->k);
	ka_run_free(&s->run);
	ka_report_free(&s->rep);
	free(s->label);
	free(s->child_report);
	*s = (struct ka_diff_side){ 0 };
}
