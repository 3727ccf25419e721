/*
 * The option table walker: getopt's long options, its short string and
 * the --help text, all from a command's rows (struct ka_opt, cmd.h).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define MAX_ROWS 64
#define HELP_COL 25 /* the column help text starts at */
#define LONG_ONLY 0x100 /* getopt's value of row i without a short letter */

/* The option rows of t, shared tables expanded, in order. */
static size_t flatten(const struct ka_opt *t, const struct ka_opt **out,
		      size_t n)
{
	for (; t->name || t->doc || t->rows; t++) {
		if (t->rows)
			n = flatten(t->rows, out, n);
		else if (t->name && n < MAX_ROWS)
			out[n++] = t;
	}
	return n;
}

void ka_cli_free(struct ka_cli *c)
{
	if (!c)
		return;
	ka_run_free(&c->run);
	ka_tree_inputs_free(&c->side);
	ka_diff_side_free(&c->old);
	ka_diff_side_free(&c->nw);
	strvec_free(&c->modules);
	*c = (struct ka_cli){ 0 };
}

int ka_cli_usage(const struct ka_cli *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ksymaudit: %s: ", c->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'ksymaudit %s --help'.\n", c->cmd->name);
	return KA_EXIT_ERROR;
}

int ka_cli_parse(struct ka_cli *c, const struct ka_command *cmd, int argc,
		 char *argv[])
{
	const struct ka_opt *rows[MAX_ROWS];
	struct option longopts[MAX_ROWS + 1];
	char shortopts[2 * MAX_ROWS + 1], *sp = shortopts;
	size_t n = flatten(cmd->options, rows, 0);
	int ch;

	*c = (struct ka_cli){ .cmd = cmd };
	c->o = (struct ka_output_opts){ .format = "text",
					.fail_on = KA_SEV_ERROR,
					.paths = cmd->paths };
	ka_run_init(&c->run, cmd->name);
	c->run.argv0 = argv[0];
	for (size_t i = 0; i < n; i++) {
		int val = rows[i]->key ? rows[i]->key : LONG_ONLY + (int)i;
		longopts[i] = (struct option){ rows[i]->name,
			rows[i]->arg ? required_argument : no_argument, NULL, val };
		if (rows[i]->key) {
			*sp++ = (char)rows[i]->key;
			if (rows[i]->arg)
				*sp++ = ':';
		}
	}
	longopts[n] = (struct option){ 0 };
	*sp = '\0';
	optind = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct ka_opt *row = NULL;
		if (ch >= LONG_ONLY && ch < LONG_ONLY + (int)n)
			row = rows[ch - LONG_ONLY];
		for (size_t i = 0; !row && ch != '?' && i < n; i++)
			if (rows[i]->key == ch)
				row = rows[i];
		if (!row) {
			fprintf(stderr, "Try 'ksymaudit %s --help'.\n", cmd->name);
			return KA_EXIT_ERROR;
		}
		if (!row->set) { /* -h, --help */
			ka_cli_help(stdout, cmd);
			return KA_EXIT_OK;
		}
		if (row->set(c, optarg) < 0)
			return KA_EXIT_ERROR;
	}
	return -1;
}

/* "  -k, --kernel DIR" padded to the help column (two spaces past it when
 * longer), then the doc's lines. */
static void help_row(FILE *out, const struct ka_opt *r)
{
	int w = fprintf(out, "  %c%c%s--%s%s%s", r->key ? '-' : ' ',
			r->key ? r->key : ' ', r->key ? ", " : "  ", r->name,
			r->arg ? " " : "", r->arg ? r->arg : "");
	const char *d = r->doc;
	fprintf(out, "%*s", w < HELP_COL ? HELP_COL - w : 2, "");
	for (const char *nl; (nl = strchr(d, '\n')); d = nl + 1)
		fprintf(out, "%.*s\n%*s", (int)(nl - d), d, HELP_COL, "");
	fprintf(out, "%s\n", d);
}

static void help_rows(FILE *out, const struct ka_opt *t)
{
	for (; t->name || t->doc || t->rows; t++) {
		if (t->rows)
			help_rows(out, t->rows);
		else if (t->name)
			help_row(out, t);
		else
			fprintf(out, "\n%s\n", t->doc);
	}
}

void ka_cli_help(FILE *out, const struct ka_command *cmd)
{
	fprintf(out, "Usage: ksymaudit %s %s\n%s", cmd->name, cmd->usage,
		cmd->about);
	help_rows(out, cmd->options);
	if (cmd->help_tail) {
		fputc('\n', out);
		cmd->help_tail(out);
	}
}
