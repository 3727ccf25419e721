/*
 * A kernel side from its spec to its facts: rules and waivers, the layout
 * and its inputs, the cache, the walk, and the command's hook on the facts.
 */
#include <stdlib.h>

#include "ksymaudit/side.h"

int ka_side_open(struct ka_side *s)
{
	struct ka_run *run = s->run;
	int r = ka_run_load_rules(run);
	if (r < 0)
		return r;
	r = ka_tree_inputs_setup(run, &s->spec, &s->topts);
	if (r < 0)
		return r;
	s->ready = true;
	if (s->progress) {
		s->topts.progress = s->progress;
		s->topts.progress_arg = s->arg;
	}
	if (run->no_cache)
		return 0;
	s->cache_dir = run->cache_dir ? xstrdup(run->cache_dir)
				      : ka_cache_default_dir();
	if (!s->cache_dir)
		return 0;
	char *why = NULL;
	s->cache = ka_cache_open(s->cache_dir, run->cache_max, &why);
	if (!s->cache && s->note) {
		char *msg = xasprintf("%s; walking without a cache", why);
		s->note(msg, s->arg);
		free(msg);
	}
	free(why);
	s->topts.cache = s->cache;
	return 0;
}

bool ka_side_cached(const struct ka_side *s)
{
	return s->cache && ka_cache_has_image(s->cache, s->run, &s->topts);
}

/* Closes the cache (its notes to the note hook); the summary when walked. */
static void side_close_cache(struct ka_side *s, bool summary)
{
	struct strvec notes = { 0 };
	struct ka_cache_stats st = { 0 };
	bool had = s->cache != NULL;
	ka_cache_close(s->cache, &notes, &st);
	s->cache = s->topts.cache = NULL;
	for (size_t i = 0; i < notes.n; i++)
		if (s->note)
			s->note(notes.v[i], s->arg);
	strvec_free(&notes);
	if (summary && s->walked_hook)
		s->walked_hook(s, had ? &st : NULL, s->arg);
}

void ka_side_walk(struct ka_side *s)
{
	if (!s->ready)
		return;
	ka_tree_run(s->run, &s->topts, &s->res);
	s->walked = true;
	side_close_cache(s, true);
	if (s->facts)
		s->facts(s->run, &s->res);
}

int ka_side_run(struct ka_side *s)
{
	int r = ka_side_open(s);
	if (r == 0)
		ka_side_walk(s);
	return r;
}

void ka_side_close_cache(struct ka_side *s)
{
	side_close_cache(s, false);
}

void ka_side_free(struct ka_side *s)
{
	if (!s)
		return;
	s->note = NULL;
	side_close_cache(s, false);
	ka_tree_result_free(&s->res);
	strvec_free(&s->topts.modules);
	ka_tree_inputs_free(&s->spec);
	free(s->cache_dir);
	*s = (struct ka_side){ 0 };
}
