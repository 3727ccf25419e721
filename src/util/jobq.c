/*
 * A queue of weighted jobs for a worker pool (procpool.c): the next job is
 * the first (in the caller's order) whose weight fits under the budget
 * together with the jobs in flight, or any job when none is in flight, or
 * a small one (a sixteenth of the budget) at any time; while nothing fits,
 * there is none until a job is done. The tree pass weighs files by size,
 * so that two large debug files (vmlinux and amdgpu.ko) are never held in
 * memory at once. One process hands the jobs out: no locking.
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
}

size_t ka_jobq_take(struct ka_jobq *q)
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

void ka_jobq_done(struct ka_jobq *q, size_t i)
{
	q->inflight -= q->weight[i];
}

void ka_jobq_free(struct ka_jobq *q)
{
	if (!q)
		return;
	free(q->weight);
	free(q->taken);
	*q = (struct ka_jobq){ 0 };
}
