/*
 * Baselines (--baseline REPORT.json): the minimal reader of ksymaudit's
 * JSON report (src/readers/baseline.c), given the input as a file (a
 * memfd: the reader takes a path), then applied to no findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "ksymaudit/baseline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_baseline b;
	struct ka_findings f = {0};
	struct ka_diags d = {0};
	char path[64];
	int fd = memfd_create("fuzz-baseline", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ka_baseline_load(path, &b, &d) == 0)
		ka_baseline_apply(&b, &f);
	ka_baseline_free(&b);
	ka_diags_free(&d);
	close(fd);
	return 0;
}
