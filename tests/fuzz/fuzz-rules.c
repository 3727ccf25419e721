/*
 * The rules lists (licenses, headers) and the questions asked of them
 * (src/readers/rules.c). The first line of the input is the license list,
 * the rest the header globs; the last line is also asked as a path.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ksymaudit/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_rules r = {0};
	const char *p = (const char *)data, *nl = memchr(p, '\n', size);
	size_t first = nl ? (size_t)(nl - p) + 1 : size;

	ka_rules_parse_list(p, first, &r.gpl_licenses);
	ka_rules_parse_list(p + first, size - first, &r.header_globs);
	for (size_t i = 0; i < r.header_globs.n; i++) {
		(void)ka_path_is_header(&r, r.header_globs.v[i]);
		(void)ka_license_is_gpl_compatible(&r, r.header_globs.v[i]);
	}
	(void)ka_licenses_gpl_compatible(&r, &r.gpl_licenses);
	ka_rules_free(&r);
	return 0;
}
