/*
 * A kernel walk on the command line: the rows of the walk (debug files,
 * depth, cache, progress) and of tree's kernel side, and the hooks that
 * print the walk's progress, notes and summary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

/* "512M", "2G", "100000": bytes; 0 on a bad value. */
static uint64_t parse_size(const char *arg)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || end == arg || *arg == '-')
		return 0;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return 0;
	return (uint64_t)v << shift;
}
static int set_cache_size(struct ka_cli *c, const char *arg)
{
	if (!(c->run.cache_max = parse_size(arg))) {
		ka_err("--cache-size takes a size such as 512M or 2G, not '%s'", arg);
		return -1;
	}
	return 0;
}
static int set_progress(struct ka_cli *c, const char *arg)
{
	if (strcmp(arg, "auto") && strcmp(arg, "bar") &&
	    strcmp(arg, "plain") && strcmp(arg, "none")) {
		ka_err("--progress takes auto, bar, plain or none, not '%s'", arg);
		return -1;
	}
	c->progress = arg;
	return 0;
}
static int set_max_depth(struct ka_cli *c, const char *arg)
{
	return (c->run.max_depth = ka_cli_small_number("--max-depth", arg)) ? 0 : -1;
}
static int set_debug_root(struct ka_cli *c, const char *arg) { c->run.debug_root = arg; return 0; }
static int set_cache_dir(struct ka_cli *c, const char *arg) { c->run.cache_dir = arg; return 0; }
static int set_no_cache(struct ka_cli *c, const char *arg) { (void)arg; c->run.no_cache = true; return 0; }

const struct ka_opt ka_walk_rows[] = {
	{"debug-root", 0, "DIR", "separate debug files under DIR (build-id, Debian's\n"
	 "layout, debuglink), before /usr/lib/debug", set_debug_root},
	{"max-depth", 0, "N", "export-wrapper, export-door and explain walk depth\n"
	 "(default 3)", set_max_depth},
	{"cache-dir", 0, "DIR", "cache of per-file facts (default\n"
	 "$XDG_CACHE_HOME/ksymaudit, ~/.cache/ksymaudit)", set_cache_dir},
	{"no-cache", 0, NULL, "walk every file; read and write no cache", set_no_cache},
	{"cache-size", 0, "SIZE", "bound of the cache directory (default 1G; K, M,\n"
	 "G suffixes): least recently used entries go", set_cache_size},
	{"progress", 0, "WHEN", "progress on stderr: auto (a bar on a terminal),\n"
	 "bar, plain (a line a second: counts, rates,\n"
	 "elapsed time, for CI logs) or none", set_progress},
	KA_OPT_END,
};

static int set_kernel(struct ka_cli *c, const char *arg) { c->side.kernel = arg; return 0; }
static int set_vmlinux(struct ka_cli *c, const char *arg) { c->side.vmlinux = arg; return 0; }
static int set_release(struct ka_cli *c, const char *arg) { c->side.release = arg; return 0; }
static int set_root(struct ka_cli *c, const char *arg) { c->side.root = arg; return 0; }
static int set_modules(struct ka_cli *c, const char *arg) { strvec_push(&c->side.module_dirs, arg); return 0; }
static int set_symvers(struct ka_cli *c, const char *arg) { strvec_push(&c->side.symvers, arg); return 0; }

const struct ka_opt ka_kernel_rows[] = {
	{"kernel", 'k', "DIR", "kernel build or headers directory: its\n"
	 "Module.symvers, vmlinux.o or vmlinux (tree,\n"
	 "explain: and the modules under DIR)", set_kernel},
	{"symvers", 's', "FILE", "a Module.symvers (repeatable, like\n"
	 "KBUILD_EXTRA_SYMBOLS)", set_symvers},
	{"vmlinux", 0, "FILE", "kernel image: vmlinux (tree, explain: linked\n"
	 "with relocations, as a debug vmlinux) or vmlinux.o", set_vmlinux},
	KA_OPT_END,
};

const struct ka_opt ka_tree_rows[] = {
	KA_OPT_HEAD("Kernel side:"),
	{"release", 0, "VER", "Debian's layout: /usr/lib/debug/boot/vmlinux-VER,\n"
	 "/usr/lib/debug/lib/modules/VER/kernel and\n"
	 "/usr/src/linux-headers-VER/Module.symvers", set_release},
	{"root", 0, "DIR", "the --release layout under DIR (packages\n"
	 "unpacked with dpkg-deb -x), not under /", set_root},
	KA_OPT_ROWS(ka_kernel_rows),
	{"modules", 'm', "PATH", "module file or directory (repeatable)", set_modules},
	KA_OPT_ROWS(ka_run_rows),
	KA_OPT_ROWS(ka_walk_rows),
	KA_OPT_END,
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Progress: a bar redrawn in place, or a line a second for logs. */
static void progress(unsigned done, unsigned total, unsigned cached, void *arg)
{
	struct ka_progress *w = arg;
	if (w->mode == 1) {
		fprintf(stderr, "\rksymaudit: %s: %u/%u files", w->side->label, done,
			total);
		if (done == total)
			fputc('\n', stderr);
		return;
	}
	double t = now();
	if (done != total && t - w->last < 1.0)
		return;
	w->last = t;
	double el = t - w->start;
	fprintf(stderr,
		"ksymaudit: %s: %u/%u files (%u%%), %u from the cache, "
		"%.1f files/s, %.1f s elapsed\n",
		w->side->label, done, total, total ? done * 100 / total : 100, cached,
		el > 0 ? done / el : 0.0, el);
}

static void note(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "ksymaudit: note: %s\n", msg);
}

/* The summary line, with progress. */
static void walked(const struct ka_side *s, const struct ka_cache_stats *st,
		   void *arg)
{
	struct ka_progress *w = arg;
	if (!w->mode)
		return;
	fprintf(stderr, "ksymaudit: %s: %u files in %.1f s", s->label,
		s->res.files_done, now() - w->start);
	if (st)
		fprintf(stderr,
			"; cache %s: %u read, %u written, %u rejected, "
			"%u evicted, %.1f MiB",
			s->cache_dir, st->hits, st->stored, st->rejected,
			st->evicted, (double)st->bytes / 1048576);
	fputc('\n', stderr);
}

void ka_cmd_side_hooks(struct ka_side *s, struct ka_progress *p,
		       const char *when, bool tty_default,
		       void (*facts)(struct ka_run *, const struct ka_tree_result *))
{
	const char *m = when ? when : "auto";
	*p = (struct ka_progress){ .side = s };
	if (!strcmp(m, "bar"))
		p->mode = 1;
	else if (!strcmp(m, "plain"))
		p->mode = 2;
	else if (!strcmp(m, "auto"))
		p->mode = tty_default && isatty(STDERR_FILENO);
	p->start = p->last = now();
	s->progress = p->mode ? progress : NULL;
	s->note = note;
	s->walked_hook = walked;
	s->facts = facts;
	s->arg = p;
}

int ka_cli_need_kernel(const struct ka_cli *c)
{
	const struct ka_tree_inputs *in = &c->side;
	if (in->root && !in->release)
		return ka_cli_usage(c, "--root needs --release");
	if (in->kernel || in->symvers.n || in->vmlinux || in->release)
		return -1;
	return ka_cli_usage(c, "no kernel given: use --release, --kernel, or "
			    "--vmlinux with --modules and --symvers");
}

void ka_cli_side(struct ka_cli *c, struct ka_side *s, struct ka_progress *p,
		 void (*facts)(struct ka_run *, const struct ka_tree_result *))
{
	s->spec = c->side;
	c->side = (struct ka_tree_inputs){ 0 };
	s->run = &c->run;
	ka_cmd_side_hooks(s, p, c->progress, true, facts);
}
