/* What every command shares: output options, rules, the report, exit status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/cmd.h"

void ka_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ksymaudit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ka_output_opts_init(struct ka_output_opts *o)
{
	*o = (struct ka_output_opts){.format = "text", .fail_on = KA_SEV_ERROR};
}

int ka_output_opt(struct ka_output_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		if (!ka_emitter_find(arg)) {
			ka_err("unknown format '%s' (text, json, sarif%s)", arg,
			       ka_emitter_find("dot") ? ", dot" : "");
			return -1;
		}
		o->format = arg;
		return 1;
	case 'j':
		o->format = "json";
		return 1;
	case 'p':
		o->format = "json";
		o->pretty = true;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	case 'r':
		o->rules_dir = arg;
		return 1;
	case 'v':
		o->verbose = true;
		return 1;
	case KA_OPT_FAIL_ON:
		if (!strcmp(arg, "never")) {
			o->fail_never = true;
			return 1;
		}
		if (!ka_severity_parse(arg, &o->fail_on)) {
			ka_err("--fail-on takes error, warning, note or never, not '%s'",
			       arg);
			return -1;
		}
		o->fail_never = false;
		return 1;
	}
	return 0;
}

int ka_cmd_load_rules(struct ka_run *run, const struct ka_output_opts *o,
		      const char *argv0)
{
	char *dir = ka_rules_find_dir(o->rules_dir, argv0);
	int r = ka_rules_load(dir, &run->rules, &run->diags);

	free(dir);
	return r;
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
		    f->severity >= o->fail_on)
			return KA_EXIT_FINDINGS;
	}
	return KA_EXIT_OK;
}

static void print_diags(const struct ka_run *run)
{
	for (size_t i = 0; i < run->diags.n; i++) {
		const struct ka_diag *d = &run->diags.v[i];
		if (d->line)
			ka_err("%s:%u: %s", d->file, d->line, d->message);
		else
			ka_err("%s: %s", d->file, d->message);
	}
}

int ka_cmd_finish(struct ka_run *run, const struct ka_output_opts *o)
{
	const struct ka_emitter *em = ka_emitter_find(o->format);
	struct ka_emit_opts eo = {.pretty = o->pretty, .verbose = o->verbose};
	char *buf = NULL;
	size_t len = 0;
	FILE *mem, *out;
	int r;

	ka_waivers_apply(&run->rules, &run->findings);
	ka_findings_sort(&run->findings);
	if (strcmp(o->format, "json") != 0)
		print_diags(run);

	/* Render completely before writing: never leave partial output. */
	mem = open_memstream(&buf, &len);
	if (!mem) {
		ka_err("cannot buffer the report: %s", strerror(errno));
		return KA_EXIT_ERROR;
	}
	r = em->emit(mem, run, &eo);
	if (fclose(mem) != 0 || r < 0) {
		ka_err("cannot render the %s report", o->format);
		free(buf);
		return KA_EXIT_ERROR;
	}

	out = o->output ? fopen(o->output, "we") : stdout;
	if (!out) {
		ka_err("%s: %s", o->output, strerror(errno));
		free(buf);
		return KA_EXIT_ERROR;
	}
	fwrite(buf, 1, len, out);
	free(buf);
	if ((o->output ? fclose(out) : fflush(out)) != 0) {
		ka_err("%s: write error: %s", o->output ? o->output : "stdout",
		       strerror(errno));
		return KA_EXIT_ERROR;
	}
	return exit_status(run, o);
}
