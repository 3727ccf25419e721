/*
 * The whole-kernel pass over files: vmlinux and every module as jobs of a
 * size-weighted queue (large files are not walked at once), each file's
 * facts from the cache or from a walk (tree-pass.c), merged into the
 * build's as they come. With -t above 1 the walks run in worker processes
 * (procpool.h says why) and their facts come back in the cache's
 * encoding; the cache itself is only read and written here.
 */
#include <stdlib.h>

#include "ksymaudit/cache.h"
#include "ksymaudit/procpool.h"
#include "tree-pass.h"

struct job {
	const char *path;
	bool is_vmlinux;
	size_t order;          /* vmlinux, then the modules as given */
	uint64_t size;         /* its weight in the queue */
	struct ka_diags diags; /* its input problems */
	bool keyed;            /* key is its cache key */
	struct ka_cache_key key;
};

struct shared {
	struct ka_tree_pass tp;
	struct ka_tree_result *res;
	struct job *jobs;
	size_t n_jobs;
	struct ka_jobq q;
};

/* The facts of worker processes travel as cache entries of this key. */
static const struct ka_cache_key wire_key;
#define WIRE_TOOL "ksymaudit-worker"

static char *owner_of(const struct job *j)
{
	return j->is_vmlinux ? xstrdup("vmlinux")
			     : ka_module_name_from_path(j->path);
}

/* A file's facts join the build's; f is freed. */
static void finish_job(struct shared *sh, struct job *j,
		       struct ka_file_facts *f, bool cached)
{
	const struct ka_tree_opts *o = sh->tp.o;
	ka_tree_merge_facts(sh->res, f);
	j->diags = f->diags; /* added to the run's in the jobs' order */
	f->diags = (struct ka_diags){ 0 };
	ka_file_facts_free(f);
	sh->res->files_done++;
	sh->res->files_cached += cached;
	if (o->progress)
		o->progress(sh->res->files_done, sh->res->files_total,
			    sh->res->files_cached, o->progress_arg);
}

/* Opens job j's file into e; false, with the reason in f, when it cannot. */
static bool open_job(const struct job *j, struct ka_elf *e,
		     struct ka_file_facts *f)
{
	char *why = NULL;
	if (ka_elf_open(j->path, e, &why) == 0)
		return true;
	ka_diag_add(&f->diags, true, j->path, 0, "%s", why ? why : "cannot open");
	free(why);
	return false;
}

/*
 * Looks opened file e up in the cache: true when f holds its facts; else
 * j->key is its key when it has one, for store().
 */
static bool lookup(struct shared *sh, struct job *j, struct ka_elf *e,
		   struct ka_file_facts *f)
{
	struct ka_cache *cache = sh->tp.o->cache;
	if (!cache)
		return false;
	char *owner = owner_of(j);
	j->keyed = ka_cache_key(cache, e, owner, &j->key) == 0;
	bool hit = j->keyed &&
		   ka_cache_load(cache, &j->key, j->path, owner, f) == 0;
	free(owner);
	return hit;
}

static void walk(struct shared *sh, const struct job *j, struct ka_elf *e,
		 struct ka_file_facts *f)
{
	char *owner = owner_of(j);
	ka_tree_walk_file(&sh->tp, j->path, e, owner, f);
	free(owner);
}

static void store(struct shared *sh, const struct job *j,
		  const struct ka_file_facts *f)
{
	if (j->keyed)
		ka_cache_store(sh->tp.o->cache, &j->key, j->path, f);
}

/* ---- in the caller (-t 1, or what no worker could take) ---- */

static void run_all_here(struct shared *sh)
{
	size_t i;
	while ((i = ka_jobq_take(&sh->q)) != SIZE_MAX) {
		struct job *j = &sh->jobs[i];
		struct ka_file_facts f;
		struct ka_elf e;
		bool cached = false;
		ka_file_facts_init(&f);
		if (open_job(j, &e, &f)) {
			cached = lookup(sh, j, &e, &f);
			if (!cached) {
				walk(sh, j, &e, &f);
				store(sh, j, &f);
			}
			ka_elf_close(&e);
		}
		finish_job(sh, j, &f, cached);
		ka_jobq_done(&sh->q, i);
	}
}

/* ---- worker processes ---- */

/*
 * The cache is the caller's: a file is opened here to look it up, and
 * again by the worker that walks it when it is not there (a compressed
 * file with DWARF is then decompressed twice; Debian's debug modules are
 * not compressed).
 */
static bool pool_local(size_t i, void *arg)
{
	struct shared *sh = arg;
	struct job *j = &sh->jobs[i];
	struct ka_file_facts f;
	struct ka_elf e;
	bool cached = false;
	if (!sh->tp.o->cache)
		return false;
	ka_file_facts_init(&f);
	if (open_job(j, &e, &f)) {
		cached = lookup(sh, j, &e, &f);
		ka_elf_close(&e);
		if (!cached) {
			ka_file_facts_free(&f);
			return false;
		}
	}
	finish_job(sh, j, &f, cached);
	return true;
}

static void pool_run(size_t i, struct ka_wbuf *out, void *arg)
{
	struct shared *sh = arg;
	const struct job *j = &sh->jobs[i];
	struct ka_file_facts f;
	struct ka_elf e;
	ka_file_facts_init(&f);
	if (open_job(j, &e, &f)) {
		walk(sh, j, &e, &f);
		ka_elf_close(&e);
	}
	ka_cache_encode(&wire_key, WIRE_TOOL, j->path, &f, out);
	ka_file_facts_free(&f);
}

static void pool_done(size_t i, const void *buf, size_t len,
		      const char *failure, void *arg)
{
	struct shared *sh = arg;
	struct job *j = &sh->jobs[i];
	struct ka_file_facts f;
	char *why = NULL;
	ka_file_facts_init(&f);
	if (failure) {
		ka_diag_add(&f.diags, true, j->path, 0,
			    "the worker process walking it %s", failure);
	} else {
		char *owner = owner_of(j);
		if (ka_cache_decode(buf, len, &wire_key, WIRE_TOOL, j->path,
				    owner, &f, &why) < 0)
			ka_diag_add(&f.diags, true, j->path, 0,
				    "facts from the worker process unreadable: %s",
				    why ? why : "?");
		else
			store(sh, j, &f);
		free(owner);
		free(why);
	}
	finish_job(sh, j, &f, false);
}

static const struct ka_procpool_ops pool_ops = {
	.local = pool_local,
	.run = pool_run,
	.done = pool_done,
};

/* ---- the queue ---- */

/* Largest first: the long jobs start early, the small ones fill in. */
static int cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Files walked at once hold their DWARF in memory together: their weights
 * stay under KA_JOBQ_BUDGET, small files aside.
 */
static void weigh_jobs(struct shared *sh)
{
	uint64_t *w = xcalloc(sh->n_jobs + 1, sizeof(*w));
	for (size_t i = 0; i < sh->n_jobs; i++) {
		struct job *j = &sh->jobs[i];
		j->order = i;
		j->size = ka_file_weight(j->path);
	}
	qsort(sh->jobs, sh->n_jobs, sizeof(*sh->jobs), cmp_job);
	for (size_t i = 0; i < sh->n_jobs; i++)
		w[i] = sh->jobs[i].size;
	ka_jobq_init(&sh->q, w, sh->n_jobs, KA_JOBQ_BUDGET);
	free(w);
}

static int cmp_job_order(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

int ka_tree_run(struct ka_run *run, const struct ka_tree_opts *o,
		struct ka_tree_result *res)
{
	struct shared sh = { .tp = { .run = run, .o = o }, .res = res };
	*res = (struct ka_tree_result){ 0 };
	sh.jobs = xcalloc(o->modules.n + 1, sizeof(*sh.jobs));
	if (o->vmlinux)
		sh.jobs[sh.n_jobs++] = (struct job){ .path = o->vmlinux,
						     .is_vmlinux = true };
	for (size_t i = 0; i < o->modules.n; i++)
		sh.jobs[sh.n_jobs++] = (struct job){ .path = o->modules.v[i] };
	res->files_total = (unsigned)sh.n_jobs;
	if (o->cache)
		ka_cache_bind(o->cache, run, o);

	weigh_jobs(&sh);
	unsigned workers = ka_workers(run->threads, sh.n_jobs);
	if (workers > 1)
		ka_procpool_run(workers, &sh.q, &pool_ops, &sh);
	run_all_here(&sh); /* all of them, or what no worker could take */
	ka_jobq_free(&sh.q);
	qsort(sh.jobs, sh.n_jobs, sizeof(*sh.jobs), cmp_job_order);
	for (size_t i = 0; i < sh.n_jobs; i++) {
		for (size_t k = 0; k < sh.jobs[i].diags.n; k++) {
			const struct ka_diag *d = &sh.jobs[i].diags.v[k];
			ka_diag_add(&run->diags, d->fatal, d->file, d->line,
				    "%s", d->message);
		}
		ka_diags_free(&sh.jobs[i].diags);
	}
	free(sh.jobs);
	ka_tree_result_finish(res);
	return 0;
}
