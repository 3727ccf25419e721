/*
 * The jobs of a ka_jobq run in worker processes (src/util/procpool.c):
 * each worker is a fork of the caller, runs one job at a time and sends
 * its result back as bytes; the caller merges them as they arrive.
 *
 * Why processes and not threads: a job that writes into a private file
 * mapping (libdwfl relocating a module's DWARF in place) takes a
 * copy-on-write fault per page, and in a process with several running
 * threads each such fault flushes the other CPUs' TLBs with an
 * interrupt. On Debian's 7.2 debug kernel that made two threads spend a
 * third of their time in the kernel (bench/README.md). A single-threaded
 * worker takes the same faults without the interrupts, and a worker that
 * crashes on a bad file takes only its own job down.
 */
#pragma once

#include "ksymaudit/blob.h"
#include "ksymaudit/common.h"

struct ka_procpool_ops {
	/*
	 * In the caller, when job i is taken from the queue: true when the
	 * caller has finished the job itself (done is not called for it),
	 * false to have a worker run it. NULL: every job goes to a worker.
	 */
	bool (*local)(size_t i, void *arg);
	/* In a worker: runs job i and writes its result to out. */
	void (*run)(size_t i, struct ka_wbuf *out, void *arg);
	/*
	 * In the caller: job i's result, len bytes at buf; or, when its
	 * worker died before sending it, buf NULL and failure saying how
	 * ("was killed by signal 11 (Segmentation fault)").
	 */
	void (*done)(size_t i, const void *buf, size_t len,
		     const char *failure, void *arg);
};

/*
 * Runs the jobs of q on procs workers (at least one), forked from the
 * caller once the caller's state is complete; a worker that dies is
 * replaced. Returns when every job is done, or when no worker could be
 * started or replaced: the jobs not taken then are still in q, for the
 * caller to run itself (as with one thread).
 */
void ka_procpool_run(unsigned procs, struct ka_jobq *q,
		     const struct ka_procpool_ops *ops, void *arg);
