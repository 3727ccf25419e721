/*
 * The command layer: one file per subcommand, each exporting one const
 * descriptor; main.c dispatches from a table of them. Only this layer prints.
 */
#pragma once

#include "ksymaudit/emit.h"
#include "ksymaudit/run.h"

struct ka_command {
	const char *name;
	int (*handler)(int argc, char *argv[]);
	const char *help; /* one line for the command list */
};

extern const struct ka_command ka_cmd_check;
extern const struct ka_command ka_cmd_tree;
extern const struct ka_command ka_cmd_explain;

/* Exit statuses (documented in ksymaudit(1)). */
enum {
	KA_EXIT_OK = 0,       /* no finding at or above --fail-on */
	KA_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
	KA_EXIT_ERROR = 2,    /* an input could not be read, or bad usage */
};

/* Output options every command shares. */
struct ka_output_opts {
	const char *format;     /* "text" (default), "json", "sarif", "dot" */
	const char *output;     /* NULL: stdout */
	bool pretty;
	bool verbose;
	bool fail_never;
	enum ka_severity fail_on;
	const char *rules_dir;  /* -r/--rules */
};

void ka_output_opts_init(struct ka_output_opts *o);

/*
 * Long options shared by the commands, and their handling. A command puts
 * KA_COMMON_LONGOPTS in its getopt table and "f:jpo:r:v" in its short
 * option string, then calls ka_output_opt() for every option it does not
 * handle itself: it returns 1 when handled, 0 when not one of these, -1 on a
 * bad value (message printed).
 */
enum {
	KA_OPT_FAIL_ON = 0x1000,
	KA_OPT_FIRST_COMMAND_OPT = 0x1100, /* commands number theirs from here */
};
#define KA_COMMON_LONGOPTS                                                     \
	{"format", required_argument, NULL, 'f'},                              \
	{"json", no_argument, NULL, 'j'},                                      \
	{"pretty", no_argument, NULL, 'p'},                                    \
	{"output", required_argument, NULL, 'o'},                              \
	{"rules", required_argument, NULL, 'r'},                               \
	{"verbose", no_argument, NULL, 'v'},                                   \
	{"fail-on", required_argument, NULL, KA_OPT_FAIL_ON}
#define KA_COMMON_SHORTOPTS "f:jpo:r:v"
int ka_output_opt(struct ka_output_opts *o, int opt, const char *arg);

/* Loads the rules (-r or the default location) into run->rules. */
int ka_cmd_load_rules(struct ka_run *run, const struct ka_output_opts *o,
		      const char *argv0);

/*
 * Applies waivers, sorts findings, prints input problems (text mode) and
 * writes the report in the chosen format. Returns the exit status.
 */
int ka_cmd_finish(struct ka_run *run, const struct ka_output_opts *o);

/* Prints "ksymaudit: FMT" to stderr. */
void ka_err(const char *fmt, ...) KA_PRINTF(1, 2);
