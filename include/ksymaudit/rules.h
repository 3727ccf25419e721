/*
 * Data the tool loads from rules/: the GPL-compatible license list, what
 * counts as a kernel header, and waivers.
 */
#pragma once

#include "ksymaudit/common.h"

struct ka_waiver {
	char *check;   /* check id */
	char *subject; /* symbol or inline name (fnmatch pattern) */
	char *where;   /* optional module or path pattern, NULL for any */
	char *reason;  /* mandatory */
	char *file;    /* where the waiver was read */
	unsigned line;
	unsigned matched; /* how many findings it waived in this run */
};

struct ka_rules {
	char *dir;                 /* the rules directory used */
	struct strvec gpl_licenses; /* exact strings, as include/linux/license.h */
	struct strvec header_globs; /* fnmatch patterns for kernel headers */
	struct ka_waiver *waivers;
	size_t n_waivers, cap_waivers;
	/*
	 * Check ids that ran in this run: waiver-unused is reported only for
	 * waivers of these (the command fills it from the check table).
	 */
	struct strvec active_checks;
};

/*
 * Finds the rules directory: dir when given, else $KSYMAUDIT_RULES_DIR, else
 * the build tree's rules/ (when run from it), else the installed data dir.
 */
char *ka_rules_find_dir(const char *dir, const char *argv0);
/* Loads every rules file of dir. Returns 0 or a negative errno. */
int ka_rules_load(const char *dir, struct ka_rules *r, struct ka_diags *diags);
/*
 * Loads one waivers file (ksymaudit-rules(5)). A file that cannot be read
 * (missing, a directory, a FIFO, …) is a fatal diagnostic, negative errno.
 */
int ka_waivers_load(const char *path, struct ka_rules *r,
		    struct ka_diags *diags);
/* Parses waivers held in memory; path names them in messages. */
void ka_waivers_parse(const char *path, const char *buf, size_t len,
		      struct ka_rules *r, struct ka_diags *diags);
/* Parses a rules list (licenses, headers) held in memory into out. */
void ka_rules_parse_list(const char *buf, size_t len, struct strvec *out);
/* NULL or zeroed: nothing; leaves *r zeroed. */
void ka_rules_free(struct ka_rules *r);

/* As the kernel's license_is_gpl_compatible(), with the list from rules. */
bool ka_license_is_gpl_compatible(const struct ka_rules *r, const char *lic);
/* True when every entry is GPL-compatible (and there is at least one). */
bool ka_licenses_gpl_compatible(const struct ka_rules *r,
				const struct strvec *licenses);
/* True when path names a kernel header (include/, arch/x/include/, …). */
bool ka_path_is_header(const struct ka_rules *r, const char *path);
