/*
 * The kernel-side options that tree and explain share, and the walk's
 * progress and cache (tree, explain, diff).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "ksymaudit/cache.h"

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

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Progress: a bar redrawn in place, or a line a second for logs. */
static void progress(unsigned done, unsigned total, unsigned cached, void *arg)
{
	struct ka_walk *w = arg;
	if (w->mode == 1) {
		fprintf(stderr, "\rksymaudit: %s: %u/%u files", w->label, done,
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
		w->label, done, total, total ? done * 100 / total : 100, cached,
		el > 0 ? done / el : 0.0, el);
}

void ka_walk_begin(struct ka_walk *w, const struct ka_tree_inputs *in,
		   const char *label, bool tty_default, struct ka_tree_opts *o)
{
	*w = (struct ka_walk){ .label = label };
	const char *p = in->progress ? in->progress : "auto";
	if (!strcmp(p, "bar"))
		w->mode = 1;
	else if (!strcmp(p, "plain"))
		w->mode = 2;
	else if (!strcmp(p, "auto"))
		w->mode = tty_default && isatty(STDERR_FILENO);
	w->start = w->last = now();
	if (w->mode) {
		o->progress = progress;
		o->progress_arg = w;
	}
	if (in->no_cache)
		return;
	w->cache_dir = in->cache_dir ? xstrdup(in->cache_dir)
				     : ka_cache_default_dir();
	if (!w->cache_dir)
		return;
	char *why = NULL;
	w->cache = ka_cache_open(w->cache_dir, in->cache_max, &why);
	if (!w->cache) {
		fprintf(stderr, "ksymaudit: note: %s; walking without a cache\n",
			why);
		free(why);
	}
	o->cache = w->cache;
}

void ka_walk_end(struct ka_walk *w, const struct ka_tree_result *res)
{
	struct strvec notes = { 0 };
	struct ka_cache_stats st = { 0 };
	ka_cache_close(w->cache, &notes, &st);
	for (size_t i = 0; i < notes.n; i++)
		fprintf(stderr, "ksymaudit: note: %s\n", notes.v[i]);
	strvec_free(&notes);
	if (w->mode && res) {
		double el = now() - w->start;
		fprintf(stderr, "ksymaudit: %s: %u files in %.1f s", w->label,
			res->files_done, el);
		if (w->cache)
			fprintf(stderr,
				"; cache %s: %u read, %u written, %u rejected, "
				"%u evicted, %.1f MiB",
				w->cache_dir, st.hits, st.stored, st.rejected,
				st.evicted, (double)st.bytes / 1048576);
		fputc('\n', stderr);
	}
	w->cache = NULL;
	free(w->cache_dir);
	w->cache_dir = NULL;
}

bool ka_walk_cached(struct ka_walk *w, const struct ka_run *run,
		    const struct ka_tree_opts *o)
{
	return w->cache && ka_cache_has_image(w->cache, run, o);
}

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
	case KA_TOPT_CACHE_DIR: cli->cache_dir = arg; return 1;
	case KA_TOPT_NO_CACHE: cli->no_cache = true; return 1;
	case KA_TOPT_CACHE_SIZE:
		cli->cache_max = parse_size(arg);
		if (!cli->cache_max) {
			ka_err("--cache-size takes a size such as 512M or 2G, "
			       "not '%s'", arg);
			return -1;
		}
		return 1;
	case KA_TOPT_PROGRESS:
		if (strcmp(arg, "auto") && strcmp(arg, "bar") &&
		    strcmp(arg, "plain") && strcmp(arg, "none")) {
			ka_err("--progress takes auto, bar, plain or none, "
			       "not '%s'", arg);
			return -1;
		}
		cli->progress = arg;
		return 1;
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


