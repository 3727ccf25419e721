/* A module under audit: metadata, imports and exports read from its file. */
#pragma once

#include "ksymaudit/common.h"
#include "ksymaudit/exports.h"

struct ka_import {
	char *name;
	bool weak;
};

struct ka_module {
	char *path;     /* as given or found */
	char *name;     /* modinfo name=, else the file name without .ko/.o */
	bool is_object; /* a .o that modpost would read, not a linked .ko */
	struct strvec licenses;  /* every license= entry, in file order */
	struct strvec import_ns; /* import_ns= entries */
	struct strvec depends;   /* depends= entries, split at commas */
	char *vermagic;          /* NULL when absent */
	unsigned machine;        /* e_machine */
	unsigned char elfclass;  /* ELFCLASS32/64 */
	unsigned char byteorder; /* ELFDATA2LSB/MSB */
	struct ka_import *imports; /* undefined global and weak symbols */
	size_t n_imports, cap_imports;
	struct ka_export **exports; /* borrowed: the export db owns them */
	size_t n_exports, cap_exports;
	struct strvec symbol_gets;   /* names handed to symbol_get() */
	size_t n_symbol_get_calls;   /* calls to __symbol_get seen (x86-64) */
};

/*
 * Reads path into *out: modinfo (from the validated image's .modinfo
 * section), undefined symbols, and export tables (added to db, owned by it,
 * also listed in out->exports). Problems go to diags as "FILE: reason";
 * returns 0 or a negative errno (the module is unusable).
 */
int ka_module_load(const char *path, struct ka_exportdb *db,
		   struct ka_diags *diags, struct ka_module *out) KA_WUR;
/*
 * The module name a path stands for, as KBUILD_MODNAME: directory and
 * .ko/.ko.xz/.ko.zst/.ko.gz/.o suffix removed, '-' as '_'
 * ("drivers/foo/bar-baz.ko.xz" -> "bar_baz"). Owned by the caller.
 */
char *ka_module_name_from_path(const char *path);
/*
 * The name modpost gives a module: the base name of its file without
 * .ko, .ko.xz, .ko.zst, .ko.gz or .o, '-' kept ("drivers/foo/bar-baz.ko.xz" -> "bar-baz"), as
 * modpost's get_basename() of the object path. Owned by the caller.
 */
char *ka_module_basename(const char *path);
/*
 * True when a file name is a module's: .ko, .ko.xz, .ko.zst or .ko.gz
 * (a module .o is recognised by its directory: see ka_modules_find).
 */
bool ka_module_file_name(const char *name);
/* Frees what m owns (not m); NULL or zeroed: nothing; leaves *m zeroed. */
void ka_module_free(struct ka_module *m);

/* Name for messages as modpost prints it: "foo.ko". */
const char *ka_module_display_name(const struct ka_module *m, char *buf,
				   size_t len);
/*
 * The module as modpost names it in "GPL-incompatible module %s.ko" and
 * "[%s.ko] undefined": the file's base name, '-' kept ("kvm-amd.ko" where
 * the module's name is kvm_amd).
 */
const char *ka_module_modpost_name(const struct ka_module *m, char *buf,
				   size_t len);

/*
 * Modinfo from an ELF image's .modinfo section (key=value strings, NUL
 * separated). Returns 0 or a negative errno.
 */
struct ka_elf;
int ka_modinfo_from_elf(struct ka_elf *e, struct ka_module *m);
/* Records one key=value pair of modinfo into m. */
void ka_modinfo_set(struct ka_module *m, const char *key, const char *value);

/*
 * The names m hands to symbol_get(), into m->symbol_gets: the section
 * .no_trim_symbol of 7.x module .o files, and on x86-64 the string argument
 * loaded before each call to __symbol_get. Returns 0 or a negative errno.
 */
int ka_symbol_gets_read(struct ka_elf *e, struct ka_module *m,
			struct ka_diags *diags);

/* Reads the undefined symbols of e into m->imports as modpost filters them. */
int ka_imports_read(struct ka_elf *e, struct ka_module *m);

/*
 * Reads export tables of e: __ksymtab* sections in the absolute and PREL32
 * layouts (in relocatable files through their relocations), per-symbol
 * ___ksymtab+sym sections of .o files, the license flags of 7.x
 * (__kflagstab, ___kflagstab+sym) and .export_symbol (6.5+). owner is
 * recorded in each export; exports are appended to db and, when m is not
 * NULL, listed in m->exports. Returns the number read or a negative errno.
 */
int ka_elf_exports_read(struct ka_elf *e, const char *owner,
			struct ka_module *m, struct ka_exportdb *db,
			struct ka_diags *diags);

/*
 * Module names resolved through a release's depmod indexes with libkmod
 * (readers/kmod-index.c): names as modinfo takes them, aliases included.
 */
struct ka_kmod_result {
	struct strvec names;   /* modules found, in order (deps after) */
	struct strvec paths;   /* their files, same order */
	struct strvec builtin; /* names built into the kernel: nothing to read */
	struct strvec missing; /* names no index knows */
};
/* ROOT/lib/modules/RELEASE (or usr/lib/modules), owned; root may be NULL. */
char *ka_kmod_moddir(const char *root, const char *release);
/*
 * Resolves names in moddir's indexes, with their dependencies when deps.
 * Returns 0, or a negative errno with a message in *why (owned) when the
 * indexes cannot be read.
 */
int ka_kmod_resolve(const char *moddir, const struct strvec *names, bool deps,
		    struct ka_kmod_result *out, char **why);
void ka_kmod_result_free(struct ka_kmod_result *r);
