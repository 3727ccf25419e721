/*
 * The command layer's private header (src/cmd/ and main.c only): one file
 * per subcommand, each exporting one const descriptor; main.c dispatches
 * from a table of them. Only this layer prints.
 */
#pragma once

#include <stdio.h>

#include "ksymaudit/emit.h"
#include "ksymaudit/tree.h"
#include "ksymaudit/run.h"

struct ka_command {
	const char *name;
	int (*handler)(int argc, char *argv[]);
	const char *help; /* one line for the command list */
};

extern const struct ka_command ka_cmd_check;
extern const struct ka_command ka_cmd_tree;
extern const struct ka_command ka_cmd_explain;
extern const struct ka_command ka_cmd_diff;
extern const struct ka_command ka_cmd_checks;

/* Exit statuses (documented in ksymaudit(1)). */
enum {
	KA_EXIT_OK = 0,       /* no finding at or above --fail-on */
	KA_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
	KA_EXIT_ERROR = 2,    /* an input could not be read, or bad usage */
};

/* At most this many --path-prefix-map options. */
#define KA_MAX_PATH_MAPS 16

/* Output options every command shares. */
struct ka_output_opts {
	const char *format;     /* "text" (default), "json", "sarif", "dot" */
	bool format_given;      /* -f or -j seen: -p does not change it */
	bool paths;             /* the command has paths to draw (dot) */
	const char *output;     /* NULL or "-": stdout */
	bool pretty;
	bool verbose;
	bool fail_never;
	enum ka_severity fail_on;
	const char *rules_dir;  /* -r/--rules */
	/* CI (src/cmd/cmd.c): --baseline, --source-root, --path-prefix-map */
	const char *baseline;    /* earlier JSON report; NULL: none */
	const char *source_root; /* repository root for SARIF/Code Quality */
	const char *path_maps[KA_MAX_PATH_MAPS]; /* "OLD=NEW", argv strings */
	size_t n_path_maps;
};

/* paths: the command accepts formats that draw paths (dot). */
void ka_output_opts_init(struct ka_output_opts *o, bool paths);

/*
 * Long options shared by the commands, and their handling. A command puts
 * KA_COMMON_LONGOPTS in its getopt table and "f:jpo:r:v" in its short
 * option string, then calls ka_output_opt() for every option it does not
 * handle itself: it returns 1 when handled, 0 when not one of these, -1 on a
 * bad value (message printed).
 */
enum {
	KA_OPT_FAIL_ON = 0x1000,
	KA_OPT_BASELINE,
	KA_OPT_SOURCE_ROOT,
	KA_OPT_PATH_PREFIX_MAP,
	KA_OPT_FIRST_COMMAND_OPT = 0x1100, /* commands number theirs from here */
};
#define KA_COMMON_LONGOPTS                                                     \
	{"format", required_argument, NULL, 'f'},                              \
	{"json", no_argument, NULL, 'j'},                                      \
	{"pretty", no_argument, NULL, 'p'},                                    \
	{"output", required_argument, NULL, 'o'},                              \
	{"rules", required_argument, NULL, 'r'},                               \
	{"verbose", no_argument, NULL, 'v'},                                   \
	{"fail-on", required_argument, NULL, KA_OPT_FAIL_ON},                  \
	{"baseline", required_argument, NULL, KA_OPT_BASELINE},                \
	{"source-root", required_argument, NULL, KA_OPT_SOURCE_ROOT},          \
	{"path-prefix-map", required_argument, NULL, KA_OPT_PATH_PREFIX_MAP}
#define KA_COMMON_SHORTOPTS "f:jpo:r:v"
/* Help lines of the CI options, for the commands' --help (check, tree). */
#define KA_CI_HELP                                                             \
	"      --baseline REPORT  findings also in REPORT (an earlier -j report of\n" \
	"                         the same command) are unchanged: only new ones\n" \
	"                         count for --fail-on and the exit status\n"    \
	"      --source-root DIR  SARIF and codequality: paths under DIR (the\n" \
	"                         repository) become relative to it\n"          \
	"      --path-prefix-map OLD=NEW  SARIF and codequality: a path that\n" \
	"                         starts with OLD starts with NEW (repeatable)\n"
int ka_output_opt(struct ka_output_opts *o, int opt, const char *arg);

/* Loads the rules (-r or the default location) into run->rules. */
int ka_cmd_load_rules(struct ka_run *run, const struct ka_output_opts *o,
		      const char *argv0);

/*
 * Applies waivers, sorts findings, prints input problems (text mode) and
 * writes the report in the chosen format. Returns the exit status.
 */
int ka_cmd_finish(struct ka_run *run, const struct ka_output_opts *o);

/*
 * The "Checks:" paragraph of a command's help, from the check table: the
 * ids of the checks the command runs (scope) and waiver-unused.
 */
void ka_cmd_help_checks(FILE *out, int scope);
/* The Output options and the exit statuses, as every command's help has. */
void ka_cmd_help_output(FILE *out, bool paths);
void ka_cmd_help_exit(FILE *out);
/* Records the checks a command runs, for waiver-unused (rules.h). */
void ka_cmd_set_active_checks(struct ka_run *run, int scope);

/* Prints "ksymaudit: FMT" to stderr. */
void ka_err(const char *fmt, ...) KA_PRINTF(1, 2);

/* ---- Options shared by tree and explain (src/cmd/tree-opts.c) ---- */


enum {
	KA_TOPT_VMLINUX = KA_OPT_FIRST_COMMAND_OPT + 0x40,
	KA_TOPT_RELEASE,
	KA_TOPT_DEBUG_ROOT,
	KA_TOPT_MAX_DEPTH,
};
#define KA_TREE_SHORTOPTS "k:m:s:t:w:"
#define KA_TREE_LONGOPTS                                                       \
	{"kernel", required_argument, NULL, 'k'},                              \
	{"modules", required_argument, NULL, 'm'},                             \
	{"symvers", required_argument, NULL, 's'},                             \
	{"threads", required_argument, NULL, 't'},                             \
	{"waivers", required_argument, NULL, 'w'},                             \
	{"vmlinux", required_argument, NULL, KA_TOPT_VMLINUX},                 \
	{"release", required_argument, NULL, KA_TOPT_RELEASE},                 \
	{"debug-root", required_argument, NULL, KA_TOPT_DEBUG_ROOT},           \
	{"max-depth", required_argument, NULL, KA_TOPT_MAX_DEPTH}
#define KA_TREE_HELP                                                           \
	"Kernel side:\n"                                                       \
	"      --release VER      Debian's layout: /usr/lib/debug/boot/vmlinux-VER,\n" \
	"                         /usr/lib/debug/lib/modules/VER/kernel and\n"  \
	"                         /usr/src/linux-headers-VER/Module.symvers\n"  \
	"  -k, --kernel DIR       kernel build directory: Module.symvers, vmlinux.o\n" \
	"                         or vmlinux, and the modules under DIR\n"      \
	"      --vmlinux FILE     kernel image linked with relocations (debug\n" \
	"                         vmlinux, or vmlinux.o)\n"                     \
	"  -m, --modules PATH     module file or directory (repeatable)\n"      \
	"  -s, --symvers FILE     a Module.symvers (repeatable)\n"              \
	"      --debug-root DIR   separate debug files under DIR (build-id, Debian's\n" \
	"                         layout, debuglink), before /usr/lib/debug\n"   \
	"  -t, --threads N        files processed in parallel (default: CPUs)\n" \
	"      --max-depth N      export-wrapper/explain walk depth (default 3)\n" \
	"  -w, --waivers FILE     also read waivers from FILE (repeatable)\n"

/* Handles one of KA_TREE_LONGOPTS: 1 handled, 0 not one, -1 bad value. */
int ka_tree_cli_opt(struct ka_tree_inputs *in, struct ka_run *run, int opt,
		    const char *arg);
/*
 * Parses the command line of tree or explain (cmd names it in messages):
 * kernel-side options into in, output options into o. Returns -1 when the
 * command goes on (optind is at the first operand), else the exit status to
 * return at once (help printed, or a usage error reported).
 */
int ka_tree_cli_parse(const char *cmd, int argc, char *argv[],
		      void (*help)(FILE *out), struct ka_tree_inputs *in,
		      struct ka_run *run, struct ka_output_opts *o);
/* Progress callback for ka_tree_opts: "ksymaudit: CMD: done/total files". */
void ka_tree_progress(unsigned done, unsigned total, void *cmd);
