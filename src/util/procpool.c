/*
 * Worker processes for a job queue (procpool.h). Each worker has one
 * stream socket to the caller: the caller writes a job index (8 bytes,
 * little-endian as the host), the worker answers with the index, the
 * result's length and the result. Closing the socket tells a worker to
 * exit. Sockets rather than pipes so that writing to a worker that died
 * gives EPIPE (MSG_NOSIGNAL) instead of killing the caller with SIGPIPE.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ksymaudit/procpool.h"

struct worker {
	pid_t pid; /* 0: none */
	int fd;
	size_t job; /* in flight, or SIZE_MAX */
};

struct pool {
	struct worker *w;
	unsigned n;
	struct ka_jobq *q;
	const struct ka_procpool_ops *ops;
	void *arg;
};

/* Sends (out) or receives n bytes whole: false on EOF or an error. */
static bool xfer(int fd, void *p, size_t n, bool out)
{
	char *c = p;
	while (n) {
		ssize_t k = out ? send(fd, c, n, MSG_NOSIGNAL)
				: recv(fd, c, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		c += k;
		n -= (size_t)k;
	}
	return true;
}

static bool send_all(int fd, const void *p, size_t n)
{
	return xfer(fd, (void *)p, n, true);
}

static bool recv_all(int fd, void *p, size_t n)
{
	return xfer(fd, p, n, false);
}

/* A worker's life: jobs in, results out, until the socket closes. */
static _Noreturn void serve(int fd, const struct ka_procpool_ops *ops,
			    void *arg)
{
	uint64_t job;
	while (recv_all(fd, &job, sizeof(job))) {
		struct ka_wbuf out = { 0 };
		ops->run((size_t)job, &out, arg);
		uint64_t hdr[2] = { job, out.n };
		bool ok = send_all(fd, hdr, sizeof(hdr)) &&
			  send_all(fd, out.p, out.n);
		ka_wbuf_free(&out);
		if (!ok)
			break;
	}
	/* Not exit(): the caller's stdio buffers and atexit handlers are
	 * the caller's. */
	_exit(0);
}

static bool spawn(struct pool *p, struct worker *w)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return false;
	}
	if (pid == 0) {
		close(sv[0]);
		for (unsigned i = 0; i < p->n; i++)
			if (p->w[i].pid)
				close(p->w[i].fd);
		serve(sv[1], p->ops, p->arg);
	}
	close(sv[1]);
	*w = (struct worker){ .pid = pid, .fd = sv[0], .job = SIZE_MAX };
	return true;
}

/* How a worker that stopped answering ended (reaped here). */
static char *reap(struct worker *w)
{
	int st = 0;
	close(w->fd);
	pid_t r;
	while ((r = waitpid(w->pid, &st, 0)) < 0 && errno == EINTR)
		;
	w->pid = 0;
	if (r < 0)
		return xasprintf("was lost: %s", strerror(errno));
	if (WIFSIGNALED(st))
		return xasprintf("was killed by signal %d (%s)", WTERMSIG(st),
				 strsignal(WTERMSIG(st)));
	return xasprintf("exited with status %d", WEXITSTATUS(st));
}

/* The next job for a worker, finishing the caller's own on the way. */
static size_t next_job(struct pool *p)
{
	size_t i;
	while ((i = ka_jobq_take(p->q)) != SIZE_MAX) {
		if (!p->ops->local || !p->ops->local(i, p->arg))
			return i;
		ka_jobq_done(p->q, i);
	}
	return SIZE_MAX;
}

/* Gives idle workers work; false when none is running or busy. */
static bool dispatch(struct pool *p)
{
	bool busy = false;
	for (unsigned k = 0; k < p->n; k++) {
		struct worker *w = &p->w[k];
		if (!w->pid)
			continue;
		if (w->job == SIZE_MAX) {
			size_t i = next_job(p);
			if (i == SIZE_MAX)
				continue;
			uint64_t job = i;
			w->job = i;
			/* A worker that died idle fails here; poll() then
			 * sees its socket closed and receive() reports the
			 * job and replaces the worker. */
			(void)send_all(w->fd, &job, sizeof(job));
		}
		busy = true;
	}
	return busy;
}

/* Reads worker w's answer; a worker that died is reported and replaced. */
static void receive(struct pool *p, struct worker *w)
{
	size_t i = w->job;
	uint64_t hdr[2];
	void *buf = NULL;
	bool ok = recv_all(w->fd, hdr, sizeof(hdr)) && hdr[0] == i;
	if (ok && hdr[1] > SIZE_MAX / 2)
		ok = false;
	if (ok) {
		buf = xmalloc(hdr[1] + 1);
		ok = recv_all(w->fd, buf, hdr[1]);
	}
	if (ok) {
		p->ops->done(i, buf, hdr[1], NULL, p->arg);
		free(buf);
		w->job = SIZE_MAX;
		ka_jobq_done(p->q, i);
		return;
	}
	free(buf);
	char *why = reap(w);
	p->ops->done(i, NULL, 0, why, p->arg);
	free(why);
	ka_jobq_done(p->q, i);
	if (p->q->left && !spawn(p, w))
		w->pid = 0;
}

void ka_procpool_run(unsigned procs, struct ka_jobq *q,
		     const struct ka_procpool_ops *ops, void *arg)
{
	struct pool p = { .q = q, .ops = ops, .arg = arg };
	p.w = xcalloc(procs ? procs : 1, sizeof(*p.w));
	p.n = procs ? procs : 1;
	for (unsigned k = 0; k < p.n; k++)
		if (!spawn(&p, &p.w[k]))
			p.w[k].pid = 0;
	struct pollfd *pf = xcalloc(p.n, sizeof(*pf));
	for (;;) {
		/* Nothing runs: the queue is empty, or no worker is left and
		 * the caller runs what remains. */
		if (!dispatch(&p))
			break;
		unsigned m = 0;
		for (unsigned k = 0; k < p.n; k++)
			if (p.w[k].pid && p.w[k].job != SIZE_MAX)
				pf[m++] = (struct pollfd){ .fd = p.w[k].fd,
							   .events = POLLIN };
		int r = poll(pf, m, -1);
		if (r < 0 && errno == EINTR)
			continue;
		/* Should poll() fail otherwise, wait for each in turn. */
		for (unsigned k = 0, j = 0; k < p.n; k++) {
			struct worker *w = &p.w[k];
			if (!w->pid || w->job == SIZE_MAX)
				continue;
			if (r < 0 || pf[j++].revents)
				receive(&p, w);
		}
	}
	for (unsigned k = 0; k < p.n; k++)
		if (p.w[k].pid) {
			shutdown(p.w[k].fd, SHUT_RDWR);
			free(reap(&p.w[k]));
		}
	free(pf);
	free(p.w);
}
