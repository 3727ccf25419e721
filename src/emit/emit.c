/* The emitter table. */
#include <string.h>

#include "ksymaudit/emit.h"

static const struct ka_emitter *const emitters[] = {
	&ka_emit_text,
	&ka_emit_json,
	&ka_emit_sarif,
	&ka_emit_dot,
	&ka_emit_codequality,
};

const struct ka_emitter *ka_emitter_find(const char *name)
{
	for (size_t i = 0; i < KA_ARRAY_SIZE(emitters); i++)
		if (!strcmp(emitters[i]->name, name))
			return emitters[i];
	return NULL;
}
