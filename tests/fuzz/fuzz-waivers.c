/* Waiver files, ksymaudit-rules(5) (src/readers/waivers.c). */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_rules r = {0};
	struct ka_diags d = {0};

	ka_waivers_parse("waivers", (const char *)data, size, &r, &d);
	ka_rules_free(&r);
	ka_diags_free(&d);
	return 0;
}
