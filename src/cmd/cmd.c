/* What every command shares: the report, its exit status, help paragraphs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/baseline.h"
#include "ksymaudit/checks.h"
#include "cmd.h"

void ka_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ksymaudit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ka_cmd_help_checks(FILE *out, int scope)
{
	size_t col = 0;
	fputs("Checks:", out);
	col = strlen("Checks:");
	bool first = true;
	for (const struct ka_check *const *c = ka_checks; *c; c++) {
		if ((int)(*c)->scope != scope && (*c)->scope != KA_SCOPE_RUN)
			continue;
		size_t w = strlen((*c)->id) + 2;
		if (col + w > 76) {
			fputs(first ? "\n" : ",\n", out);
			col = 0;
		} else if (!first) {
			fputs(", ", out);
			col += 2;
		} else {
			fputc(' ', out);
			col++;
		}
		fputs((*c)->id, out);
		col += w - 2;
		first = false;
	}
	fputs(".\n", out);
}

void ka_cmd_help_exit(FILE *out)
{
	fputs("Exit status: 0 no unwaived finding at or above --fail-on, 1 such\n"
	      "findings, 2 an input could not be read or the usage is wrong.\n"
	      "See ksymaudit(1).\n", out);
}

void ka_cmd_set_active_checks(struct ka_run *run, int scope)
{
	for (const struct ka_check *const *c = ka_checks; *c; c++)
		if ((int)(*c)->scope == scope)
			strvec_push(&run->rules.active_checks, (*c)->id);
}

static int exit_status(const struct ka_run *run, const struct ka_output_opts *o)
{
	if (ka_diags_have_fatal(&run->diags))
		return KA_EXIT_ERROR;
	if (o->fail_never)
		return KA_EXIT_OK;
	for (size_t i = 0; i < run->findings.n; i++) {
		const struct ka_finding *f = &run->findings.v[i];
		/* diff: what went away never fails a run. */
		if (!f->waived_by && f->change != KA_CHANGE_GONE &&
		    f->baseline != KA_BASELINE_UNCHANGED &&
		    f->severity >= o->fail_on)
			return KA_EXIT_FINDINGS;
	}
	return KA_EXIT_OK;
}

static void print_diags(const struct ka_run *run)
{
	for (size_t i = 0; i < run->diags.n; i++) {
		const struct ka_diag *d = &run->diags.v[i];
		if (!d->file)
			ka_err("%s: %s", run->command, d->message);
		else if (d->line)
			ka_err("%s:%u: %s", d->file, d->line, d->message);
		else
			ka_err("%s: %s", d->file, d->message);
	}
}

/*
 * --baseline and --source-root: reads the baseline into *b (true when it
 * is usable) and canonicalises the source root into *root. Problems are
 * fatal input problems.
 */
static bool ci_inputs(struct ka_run *run, const struct ka_output_opts *o,
		      struct ka_baseline *b, char **root)
{
	bool have = false;

	*root = NULL;
	if (o->source_root && !(*root = realpath(o->source_root, NULL)))
		ka_diag_add(&run->diags, true, o->source_root, 0,
			    "--source-root: %s", strerror(errno));
	if (!o->baseline)
		return false;
	if (ka_baseline_load(o->baseline, b, &run->diags) < 0)
		return false;
	have = true;
	if (b->command && run->command && strcmp(b->command, run->command)) {
		ka_diag_add(&run->diags, true, o->baseline, 0,
			    "baseline: a report of 'ksymaudit %s', not of %s",
			    b->command, run->command);
		have = false;
	}
	return have;
}

int ka_cmd_finish(struct ka_run *run, const struct ka_output_opts *o)
{
	const struct ka_emitter *em = ka_emitter_find(o->format);
	struct ka_emit_opts eo = {.pretty = o->pretty, .verbose = o->verbose,
				  .path_maps = o->path_maps,
				  .n_path_maps = o->n_path_maps};
	struct ka_baseline base = {0};
	char *buf = NULL, *root;
	size_t len = 0;
	FILE *mem, *out;
	int r;

	bool have_base = ci_inputs(run, o, &base, &root);
	eo.source_root = root;
	ka_waivers_apply(&run->rules, &run->findings);
	ka_findings_sort(&run->findings);
	if (have_base) {
		ka_baseline_apply(&base, &run->findings);
		eo.baseline = &base;
	}
	if (strcmp(o->format, "json") != 0) {
		print_diags(run);
		if (have_base)
			ka_err("baseline %s: %zu new, %zu unchanged, %zu absent",
			       o->baseline, base.n_new, base.n_unchanged,
			       base.n_absent);
	}

	/* Render completely before writing: never leave partial output. */
	mem = open_memstream(&buf, &len);
	if (!mem) {
		ka_err("cannot buffer the report: %s", strerror(errno));
		ka_baseline_free(&base);
		free(root);
		return KA_EXIT_ERROR;
	}
	r = em->emit(mem, run, &eo);
	ka_baseline_free(&base);
	free(root);
	if (fclose(mem) != 0 || r < 0) {
		ka_err("cannot render the %s report", o->format);
		free(buf);
		return KA_EXIT_ERROR;
	}

	bool to_stdout = !o->output || strcmp(o->output, "-") == 0;
	out = to_stdout ? stdout : fopen(o->output, "we");
	if (!out) {
		ka_err("%s: %s", o->output, strerror(errno));
		free(buf);
		return KA_EXIT_ERROR;
	}
	fwrite(buf, 1, len, out);
	free(buf);
	if ((to_stdout ? fflush(out) : fclose(out)) != 0) {
		ka_err("%s: write error: %s", to_stdout ? "stdout" : o->output,
		       strerror(errno));
		return KA_EXIT_ERROR;
	}
	return exit_status(run, o);
}
