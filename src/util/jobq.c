/*
 * A queue of weighted jobs for a worker pool: a worker takes the first job
 * (in the caller's order) whose weight fits under the budget together with
 * the jobs in flight, or any job when none is in flight, or a small one
 * (a sixteenth of the budget) at any time, and waits while nothing fits. The tree pass weighs files by size, so that two large
 * debug files (vmlinux and amdgpu.ko) are never held in memory at once.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "ksymaudit/common.h"

uint64_t ka_file_weight(const char *path)
{
	struct stat st;
	uint64_t w = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (str_ends(path, ".xz") || str_ends(path, ".zst") ||
	    str_ends(path, ".gz"))
		w *= 4;
	return w;
}

void ka_jobq_init(struct ka_jobq *q, const uint64_t *weights, size_t n,
		  uint64_t budget)
{
	*q = (struct ka_jobq){ .n = n, .left = n, .budget = budget };
	q->weight = xcalloc(n + 1, sizeof(*q->weight));
	q->taken = xcalloc(n + 1, 1);
	for (size_t i = 0; i < n; i++)
		q->weight[i] = weights[i];
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
}

/* The next job that may start now (under q->lock), or SIZE_MAX. */
static size_t take_locked(struct ka_jobq *q)
{
	while (q->first < q->n && q->taken[q->first])
		q->first++;
	for (size_t i = q->first; i < q->n; i++) {
		if (q->taken[i] ||
		    (q->inflight && q->inflight + q->weight[i] > q->budget &&
		     q->weight[i] > q->budget / 16))
			continue;
		q->taken[i] = 1;
		q->left--;
		q->inflight += q->weight[i];
		return i;
	}
	return SIZE_MAX;
}

size_t ka_jobq_take(struct ka_jobq *q)
{
	size_t r = SIZE_MAX;
	pthread_mutex_lock(&q->lock);
	while (q->left && (r = take_locked(q)) == SIZE_MAX)
		pthread_cond_wait(&q->cond, &q->lock);
	pthread_mutex_unlock(&q->lock);
	return r;
}

size_t ka_jobq_try_take(struct ka_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	size_t r = q->left ? take_locked(q) : SIZE_MAX;
	pthread_mutex_unlock(&q->lock);
	return r;
}

void ka_jobq_done(struct ka_jobq *q, size_t i)
{
	pthread_mutex_lock(&q->lock);
	q->inflight -= q->weight[i];
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void ka_jobq_free(struct ka_jobq *q)
{
	free(q->weight);
	free(q->taken);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}
