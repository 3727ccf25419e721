/*
 * Worker processes for a job queue (src/util/procpool.c): every job done
 * exactly once with its worker's result, jobs the caller keeps never sent,
 * a worker that dies reported on its job and replaced, one worker as good
 * as several.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/procpool.h"
#include "tests/ka-check.h"

#define N_JOBS 60

struct state {
	int done[N_JOBS];     /* times done() saw the job */
	int local[N_JOBS];    /* times local() kept it */
	uint64_t value[N_JOBS];
	char *failure[N_JOBS];
	pid_t pid[N_JOBS];    /* the process that ran it */
	size_t crash;         /* the job whose worker dies, or SIZE_MAX */
	unsigned keep_every;  /* local() keeps every k-th job; 0: none */
};

static bool t_local(size_t i, void *arg)
{
	struct state *s = arg;
	if (s->keep_every && i % s->keep_every == 0) {
		s->local[i]++;
		return true;
	}
	return false;
}

static void t_run(size_t i, struct ka_wbuf *out, void *arg)
{
	struct state *s = arg;
	if (i == s->crash)
		raise(SIGKILL);
	ka_wbuf_u64(out, (uint64_t)i * i + 1);
	ka_wbuf_u64(out, (uint64_t)getpid());
}

static void t_done(size_t i, const void *buf, size_t len,
		   const char *failure, void *arg)
{
	struct state *s = arg;
	s->done[i]++;
	if (failure) {
		ck_assert_ptr_null(buf);
		s->failure[i] = strdup(failure);
		return;
	}
	struct ka_rbuf b = { .p = buf, .n = len };
	s->value[i] = ka_rbuf_u64(&b);
	s->pid[i] = (pid_t)ka_rbuf_u64(&b);
	ck_assert(!b.bad);
}

static const struct ka_procpool_ops ops = { t_local, t_run, t_done };

static void run(struct state *s, unsigned procs, uint64_t budget)
{
	uint64_t w[N_JOBS];
	for (size_t i = 0; i < N_JOBS; i++)
		w[i] = (i % 5) * 100;
	struct ka_jobq q;
	ka_jobq_init(&q, w, N_JOBS, budget);
	ka_procpool_run(procs, &q, &ops, s);
	/* What no worker could take is the caller's (none here: fork works). */
	ck_assert_uint_eq(q.left, 0);
	ka_jobq_free(&q);
}

START_TEST(test_procpool_every_job_once)
{
	struct state s = { .crash = SIZE_MAX, .keep_every = 7 };
	run(&s, 3, 250);
	bool other_process = false;
	for (size_t i = 0; i < N_JOBS; i++) {
		if (i % 7 == 0) {
			ck_assert_int_eq(s.local[i], 1);
			ck_assert_int_eq(s.done[i], 0);
			continue;
		}
		ck_assert_int_eq(s.local[i], 0);
		ck_assert_int_eq(s.done[i], 1);
		ck_assert_ptr_null(s.failure[i]);
		ck_assert_uint_eq(s.value[i], (uint64_t)i * i + 1);
		other_process |= s.pid[i] != getpid();
	}
	ck_assert(other_process);
}
END_TEST

START_TEST(test_procpool_worker_dies)
{
	struct state s = { .crash = 17 };
	run(&s, 2, 1000);
	for (size_t i = 0; i < N_JOBS; i++) {
		ck_assert_int_eq(s.done[i], 1);
		if (i == 17) {
			ck_assert_ptr_nonnull(s.failure[i]);
			ck_assert_msg(strstr(s.failure[i], "signal 9"), "%s",
				      s.failure[i]);
			free(s.failure[i]);
		} else {
			ck_assert_ptr_null(s.failure[i]);
			ck_assert_uint_eq(s.value[i], (uint64_t)i * i + 1);
		}
	}
}
END_TEST

START_TEST(test_procpool_last_job_dies)
{
	struct state s = { .crash = N_JOBS - 1 };
	run(&s, 2, 1000);
	for (size_t i = 0; i < N_JOBS; i++)
		ck_assert_int_eq(s.done[i], 1);
	ck_assert_ptr_nonnull(s.failure[N_JOBS - 1]);
	free(s.failure[N_JOBS - 1]);
}
END_TEST

START_TEST(test_procpool_one_worker)
{
	struct state s = { .crash = SIZE_MAX, .keep_every = 2 };
	run(&s, 1, 0);
	for (size_t i = 0; i < N_JOBS; i++) {
		ck_assert_int_eq(s.done[i] + s.local[i], 1);
		if (s.done[i])
			ck_assert_uint_eq(s.value[i], (uint64_t)i * i + 1);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("procpool");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_procpool_every_job_once);
	tcase_add_test(tc, test_procpool_worker_dies);
	tcase_add_test(tc, test_procpool_last_job_dies);
	tcase_add_test(tc, test_procpool_one_worker);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
