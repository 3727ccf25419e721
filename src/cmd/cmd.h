/*
 * The command layer's private header (src/cmd/ and main.c only): one file
 * per subcommand, each exporting one const descriptor with its option
 * table; main.c dispatches from a table of them. Only this layer prints.
 */
#pragma once

#include <stdio.h>

#include "ksymaudit/emit.h"
#include "ksymaudit/run.h"
#include "ksymaudit/side.h"

struct ka_cli;

/*
 * One row of a command's option table (elfutils' argp tables are the
 * model): getopt's long options, its short string and the --help text are
 * generated from the rows (src/cmd/opts.c), and tests/test-manpage.sh
 * holds the man page to them. A row with no name is a heading (doc), the
 * rows of a shared table (rows), or the end.
 */
struct ka_opt {
	const char *name; /* long name */
	int key;          /* short letter, 0: long only */
	const char *arg;  /* the argument's name, NULL: takes none */
	const char *doc;  /* help text, lines separated by '\n' */
	/* Stores the option: 0, or -1 on a bad value (message printed). */
	int (*set)(struct ka_cli *c, const char *arg);
	const struct ka_opt *rows;
};
#define KA_OPT_HEAD(text) { .doc = (text) }
#define KA_OPT_ROWS(table) { .rows = (table) }
#define KA_OPT_END { 0 }

/* Shared rows: output options and -h (every command that reports), the
 * rules, waivers and threads (every command that runs checks), and the
 * walk's debug files, depth, cache and progress (tree, explain, diff,
 * upgrade). */
extern const struct ka_opt ka_output_rows[], ka_run_rows[], ka_walk_rows[];
/* The kernel side of tree and explain. */
extern const struct ka_opt ka_tree_rows[], ka_kernel_rows[], ka_license_rows[];

struct ka_command {
	const char *name;
	int (*handler)(int argc, char *argv[]);
	const char *help;    /* one line for the command list */
	const char *usage;   /* after "Usage: ksymaudit NAME " */
	const char *about;   /* what it does, before the options */
	const struct ka_opt *options;
	bool paths;          /* it has formats that draw paths (dot) */
	void (*help_tail)(FILE *out); /* the Checks and Exit paragraphs */
};

extern const struct ka_command ka_cmd_check;
extern const struct ka_command ka_cmd_tree;
extern const struct ka_command ka_cmd_explain;
extern const struct ka_command ka_cmd_diff;
extern const struct ka_command ka_cmd_checks;
extern const struct ka_command ka_cmd_upgrade;

/* Exit statuses (documented in ksymaudit(1)). */
enum {
	KA_EXIT_OK = 0,       /* no finding at or above --fail-on */
	KA_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
	KA_EXIT_ERROR = 2,    /* an input could not be read, or bad usage */
};

/* At most this many --path-prefix-map options. */
#define KA_MAX_PATH_MAPS 16

/* Output options every command shares (how the report is written). */
struct ka_output_opts {
	const char *format;     /* "text" (default), "json", "sarif", "dot" */
	bool format_given;      /* -f or -j seen: -p does not change it */
	bool paths;             /* the command has paths to draw (dot) */
	const char *output;     /* NULL or "-": stdout */
	bool pretty;
	bool verbose;
	bool fail_never;
	enum ka_severity fail_on;
	const char *baseline;    /* earlier JSON report; NULL: none */
	const char *source_root; /* repository root for SARIF/Code Quality */
	const char *path_maps[KA_MAX_PATH_MAPS]; /* "OLD=NEW", argv strings */
	size_t n_path_maps;
};

/*
 * Everything a command line sets, in one place: the report's options, the
 * run's (struct ka_run holds the options the model reads: rules, waivers,
 * threads, depth, cache, license, ...), and the kernel sides named.
 */
struct ka_cli {
	const struct ka_command *cmd;
	struct ka_output_opts o;
	struct ka_run run;
	struct ka_tree_inputs side;   /* tree, explain, check */
	struct ka_diff_side old, nw;  /* diff, upgrade */
	struct strvec modules;        /* diff, upgrade: -m */
	const char *progress;         /* --progress: auto, bar, plain, none */
	const char *release, *root;   /* check: module names; upgrade: OLD */
	const char *to, *from_root, *to_root, *dkms; /* upgrade */
};

/*
 * Starts c for cmd and parses argv with cmd's table. Returns -1 when the
 * command goes on (optind is at the first operand), else the exit status
 * to return at once (help printed, or a usage error reported).
 */
int ka_cli_parse(struct ka_cli *c, const struct ka_command *cmd, int argc,
		 char *argv[]);
/* NULL or zeroed: nothing; leaves *c zeroed. */
void ka_cli_free(struct ka_cli *c);
/* Reports a usage error "CMD: MSG" and the --help hint; KA_EXIT_ERROR. */
int ka_cli_usage(const struct ka_cli *c, const char *fmt, ...) KA_PRINTF(2, 3);
/* A number from 1 to 16 for opt (--threads, --max-depth), else 0 and a
 * message printed. */
unsigned ka_cli_small_number(const char *opt, const char *arg);
/* Writes cmd's --help: usage, about, the table's rows, the tail. */
void ka_cli_help(FILE *out, const struct ka_command *cmd);

/*
 * Applies waivers, sorts findings, prints input problems (text mode) and
 * writes the report in the chosen format. Returns the exit status.
 */
int ka_cmd_finish(struct ka_run *run, const struct ka_output_opts *o);
/* The "Checks:" paragraph of a help, from the check table (scope). */
void ka_cmd_help_checks(FILE *out, int scope);
/* The exit statuses, as every command's help has them. */
void ka_cmd_help_exit(FILE *out);
/* Records the checks a command runs, for waiver-unused (rules.h). */
void ka_cmd_set_active_checks(struct ka_run *run, int scope);
/* Prints "ksymaudit: FMT" to stderr. */
void ka_err(const char *fmt, ...) KA_PRINTF(1, 2);

/*
 * The hooks of a kernel side (src/cmd/progress.c): progress on stderr as
 * --progress says (auto: a bar on a terminal when tty_default), the
 * cache's notes and the walk's summary line; facts runs on the facts.
 */
struct ka_progress {
	int mode;            /* 0 none, 1 bar, 2 plain */
	double start, last;  /* seconds (CLOCK_MONOTONIC) */
	const struct ka_side *side; /* its label names it */
};
void ka_cmd_side_hooks(struct ka_side *s, struct ka_progress *p,
		       const char *progress, bool tty_default,
		       void (*facts)(struct ka_run *, const struct ka_tree_result *));

/* tree, explain: s reads c's kernel side (moved) into c's run, with
 * progress (a bar on a terminal by default) and facts as its hooks. */
void ka_cli_side(struct ka_cli *c, struct ka_side *s, struct ka_progress *p,
		 void (*facts)(struct ka_run *, const struct ka_tree_result *));
/* tree, explain: a usage error (its status) unless c names a kernel; -1. */
int ka_cli_need_kernel(const struct ka_cli *c);

/*
 * diff's engine (src/cmd/diff.c), also behind upgrade: c's sides and
 * modules; upgrade runs only what concerns the modules (module-breaks with
 * a rebuild's view, the loader's rules against NEW).
 */
int ka_cmd_diff_run(struct ka_cli *c, bool upgrade);
