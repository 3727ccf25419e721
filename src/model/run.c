/* The run context: creation and release. */
#include <stdlib.h>

#include "ksymaudit/run.h"

void ka_run_init(struct ka_run *run, const char *command)
{
	*run = (struct ka_run){0};
	run->command = command;
	run->explain = true;
	run->max_depth = 3;
}

void ka_run_free(struct ka_run *run)
{
	if (!run)
		return;
	ka_rules_free(&run->rules);
	for (size_t i = 0; i < run->n_modules; i++) {
		ka_module_free(run->modules[i]);
		free(run->modules[i]);
	}
	free(run->modules);
	ka_exportdb_free(&run->exports);
	for (size_t i = 0; i < run->n_inputs; i++)
		free(run->inputs[i].path);
	free(run->inputs);
	ka_diags_free(&run->diags);
	ka_findings_free(&run->findings);
	free(run->kernel_image);
	*run = (struct ka_run){0};
}

void ka_run_add_input(struct ka_run *run, const char *path, const char *kind,
		      bool ok)
{
	ARRAY_GROW(run->inputs, run->n_inputs, run->cap_inputs);
	run->inputs[run->n_inputs++] = (struct ka_input){xstrdup(path), kind, ok};
}
