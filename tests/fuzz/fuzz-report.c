/*
 * The JSON report reader of `ksymaudit diff` (src/readers/report.c): a
 * `tree -j` report with its exports, findings and kernel facts, every
 * field type-checked.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_report r;
	struct ka_diags d = {0};

	(void)ka_report_parse("report.json", (const char *)data, size, &r, &d);
	ka_report_free(&r);
	ka_diags_free(&d);
	return 0;
}
