/*
 * Exported symbols and where they come from: Module.symvers files and the
 * export tables of ELF files (vmlinux, vmlinux.o, modules).
 */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/facts.h" /* enum ka_export_type */
#include "ksymaudit/hashmap.h"

/* "EXPORT_SYMBOL_GPL" etc. */
const char *ka_export_type_name(enum ka_export_type t);
/* Parses an EXPORT_* word; returns false if s is not one. */
bool ka_export_type_parse(const char *s, enum ka_export_type *t);
/* True for the types only GPL-compatible modules may use. */
bool ka_export_type_is_gpl_only(enum ka_export_type t);

/*
 * Module-restricted exports (EXPORT_SYMBOL_FOR_MODULES, 6.16+): the
 * namespace "module:LIST" names the modules that may use the export, and
 * the export is always GPL-only. They need no MODULE_IMPORT_NS (importing
 * a "module:" namespace is itself refused), and any other module is
 * refused as if it did not import the namespace.
 */
#define KA_MODULE_NS_PREFIX "module:"
bool ka_ns_is_module_list(const char *ns);
/*
 * Whether LIST admits a module. loader false: modpost's rule, name is the
 * base name of the module's object file ("kvm-amd"), compared byte for
 * byte; loader true: the loader's rule, name is the module's name
 * ("kvm_amd"), '-' and '_' equal. Entries ending in '*' match a prefix.
 * False when ns is not a module list.
 */
bool ka_ns_module_admits(const char *ns, const char *name, bool loader);
/* Appends the entries of a module list to out (nothing for another ns). */
void ka_ns_module_entries(const char *ns, struct strvec *out);

enum ka_export_source {
	KA_SRC_SYMVERS, /* a Module.symvers line */
	KA_SRC_ELF,     /* an ELF export table */
};

struct ka_export {
	char *name;
	char *ns;    /* namespace, NULL when none */
	char *owner; /* "vmlinux" or the module's name/path as symvers gives it */
	enum ka_export_type type;
	uint32_t crc;
	bool has_crc;
	enum ka_export_source source;
	char *origin;       /* file it was read from */
	unsigned origin_line; /* line in a Module.symvers, 0 for ELF */
	/* Owner module when it is one of the audited modules, else NULL. */
	struct ka_module *module;
};

/* Frees e and what it owns; NULL: nothing. */
void ka_export_free(struct ka_export *e);

/*
 * All exports known for a run. The first export of a name wins for lookups;
 * later ones with the same name are kept in dups (export-mismatch uses them).
 */
struct ka_exportdb {
	struct hashmap by_name; /* name -> struct ka_export * */
	struct ka_export **all; /* every export in insertion order */
	size_t n, cap;
};

/* Adds e (ownership passes to db). */
void ka_exportdb_add(struct ka_exportdb *db, struct ka_export *e);
const struct ka_export *ka_exportdb_find(const struct ka_exportdb *db,
					 const char *name);
/* NULL or zeroed: nothing; leaves *db zeroed. */
void ka_exportdb_free(struct ka_exportdb *db);

/*
 * Reads a Module.symvers of any era (3, 4 or 5 fields, either 5-field
 * layout). Malformed lines are reported as non-fatal diagnostics with
 * file:line and skipped. Returns the number of exports read, or a negative
 * errno if the file cannot be read (reported as a fatal diagnostic); an
 * empty file or one with no valid line is reported as fatal, -EINVAL.
 */
int ka_symvers_read(const char *path, struct ka_exportdb *db,
		    struct ka_diags *diags) KA_NONNULL(1, 2, 3);
/* Parses symvers text held in memory; path is used in messages. */
int ka_symvers_parse(const char *path, const char *buf, size_t len,
		     struct ka_exportdb *db, struct ka_diags *diags);
