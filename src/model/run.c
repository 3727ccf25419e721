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
	strvec_free(&run->waiver_files);
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
	free(run->kernel_release);
	*run = (struct ka_run){0};
}

void ka_run_add_input(struct ka_run *run, const char *path, const char *kind,
		      bool ok)
{
	ARRAY_GROW(run->inputs, run->n_inputs, run->cap_inputs);
	run->inputs[run->n_inputs++] = (struct ka_input){xstrdup(path), kind, ok};
}

void ka_run_inherit(struct ka_run *run, const char *command,
		    const struct ka_run *from)
{
	ka_run_init(run, command);
	run->argv0 = from->argv0;
	run->rules_dir = from->rules_dir;
	run->threads = from->threads;
	run->debug_root = from->debug_root;
	run->cache_dir = from->cache_dir;
	run->no_cache = from->no_cache;
	run->cache_max = from->cache_max;
	run->max_depth = from->max_depth;
}

int ka_run_load_rules(struct ka_run *run)
{
	char *dir = ka_rules_find_dir(run->rules_dir, run->argv0);
	int r = ka_rules_load(dir, &run->rules, &run->diags);

	free(dir);
	if (r < 0)
		return r;
	for (size_t i = 0; i < run->waiver_files.n; i++)
		ka_waivers_load(run->waiver_files.v[i], &run->rules, &run->diags);
	return 0;
}
