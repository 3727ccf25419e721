/*
 * The option rows commands share, and how each stores its value: output
 * and -h; rules, waivers, threads and the license (the walk's and the
 * kernel side's rows are in walk.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static int set_format(struct ka_cli *c, const char *arg)
{
	const struct ka_emitter *em = ka_emitter_find(arg);
	if (!em || (em->paths_only && !c->o.paths)) {
		ka_err("%s format '%s' (%s)",
		       em ? "this command has no" : "unknown", arg,
		       c->o.paths ? "text, json, sarif, codequality, dot"
				  : "text, json, sarif, codequality");
		return -1;
	}
	c->o.format = arg;
	c->o.format_given = true;
	return 0;
}
static int set_json(struct ka_cli *c, const char *arg)
{
	return set_format(c, arg ? arg : "json");
}
/* Pretty-prints the chosen format; alone it means JSON. */
static int set_pretty(struct ka_cli *c, const char *arg)
{
	(void)arg;
	c->o.pretty = true;
	if (!c->o.format_given)
		c->o.format = "json";
	return 0;
}
static int set_output(struct ka_cli *c, const char *arg) { c->o.output = arg; return 0; }
static int set_verbose(struct ka_cli *c, const char *arg) { (void)arg; c->o.verbose = true; return 0; }
static int set_baseline(struct ka_cli *c, const char *arg) { c->o.baseline = arg; return 0; }
static int set_source_root(struct ka_cli *c, const char *arg) { c->o.source_root = arg; return 0; }
static int set_fail_on(struct ka_cli *c, const char *arg)
{
	c->o.fail_never = !strcmp(arg, "never");
	if (!c->o.fail_never && !ka_severity_parse(arg, &c->o.fail_on)) {
		ka_err("--fail-on takes error, warning, note or never, not '%s'", arg);
		return -1;
	}
	return 0;
}
static int set_path_map(struct ka_cli *c, const char *arg)
{
	if (!strchr(arg, '=') || arg[0] == '=') {
		ka_err("--path-prefix-map takes OLD=NEW with a non-empty OLD, not '%s'",
		       arg);
		return -1;
	}
	if (c->o.n_path_maps == KA_MAX_PATH_MAPS) {
		ka_err("at most %d --path-prefix-map options", KA_MAX_PATH_MAPS);
		return -1;
	}
	c->o.path_maps[c->o.n_path_maps++] = arg;
	return 0;
}

const struct ka_opt ka_output_rows[] = {
	KA_OPT_HEAD("Output:"),
	{"format", 'f', "FORMAT", "text (default), json, sarif, codequality;\n"
	 "dot (Graphviz) where the command draws paths", set_format},
	{"json", 'j', NULL, "same as --format json", set_json},
	{"pretty", 'p', NULL, "indent JSON or SARIF (alone: --format json)", set_pretty},
	{"output", 'o', "FILE", "write the report to FILE (- for stdout)", set_output},
	{"verbose", 'v', NULL, "list every site instead of grouping identical ones", set_verbose},
	{"fail-on", 0, "LEVEL", "error (default), warning, note or never", set_fail_on},
	{"baseline", 0, "REPORT", "findings also in REPORT (an earlier -j report of\n"
	 "the same command) are unchanged: only new ones\n"
	 "count for --fail-on and the exit status", set_baseline},
	{"source-root", 0, "DIR", "SARIF and codequality: paths under DIR (the\n"
	 "repository) become relative to it", set_source_root},
	{"path-prefix-map", 0, "OLD=NEW", "SARIF and codequality: a path that\n"
	 "starts with OLD starts with NEW (repeatable)", set_path_map},
	{"help", 'h', NULL, "show this help", NULL},
	KA_OPT_END,
};

unsigned ka_cli_small_number(const char *opt, const char *arg)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || v == 0 || v > 16) {
		ka_err("%s takes a number from 1 to 16, not '%s'", opt, arg);
		return 0;
	}
	return (unsigned)v;
}
static int set_threads(struct ka_cli *c, const char *arg)
{
	return (c->run.threads = ka_cli_small_number("--threads", arg)) ? 0 : -1;
}
static int set_rules(struct ka_cli *c, const char *arg) { c->run.rules_dir = arg; return 0; }
static int set_waivers(struct ka_cli *c, const char *arg)
{
	strvec_push(&c->run.waiver_files, arg);
	return 0;
}
static int set_license(struct ka_cli *c, const char *arg)
{
	c->run.license_override = arg;
	return 0;
}

const struct ka_opt ka_run_rows[] = {
	{"rules", 'r', "DIR", "rules directory (license list, headers, waivers)", set_rules},
	{"waivers", 'w', "FILE", "also read waivers from FILE (repeatable)", set_waivers},
	{"threads", 't', "N", "files processed in parallel (1-16; default: one\n"
	 "per CPU; the report is the same)", set_threads},
	KA_OPT_END,
};

const struct ka_opt ka_license_rows[] = {
	{"license", 'l', "STRING", "audit the modules as if their license were STRING",
	 set_license},
	KA_OPT_END,
};

