/* Module.symvers of every era (src/readers/symvers.c). */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/exports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	(void)ka_symvers_parse("Module.symvers", (const char *)data, size, &db,
			       &d);
	for (size_t i = 0; i < db.n; i++)
		(void)ka_exportdb_find(&db, db.all[i]->name);
	ka_exportdb_free(&db);
	ka_diags_free(&d);
	return 0;
}
