/*
 * Unit tests of the module checks and license rules, on runs built by hand:
 * an export db from Module.symvers text and modules with given imports.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ksymaudit/checks.h"
#include "ksymaudit/elffile.h"
#include "tests/ka-check.h"

static const char symvers[] =
	"0x1\tplain_fn\tvmlinux\tEXPORT_SYMBOL\t\n"
	"0x2\tgpl_fn\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
	"0x3\tns_fn\tvmlinux\tEXPORT_SYMBOL\tMY_NS\n"
	"0x4\tunused_gpl\tvmlinux\tEXPORT_UNUSED_SYMBOL_GPL\t\n"
	"0x5\tfuture_gpl\tvmlinux\tEXPORT_SYMBOL_GPL_FUTURE\t\n";

static void setup(struct ka_run *run)
{
	ka_run_init(run, "check");
	ck_assert_int_eq(ka_rules_load(KA_SOURCE_RULES_DIR, &run->rules, &run->diags), 0);
	ck_assert_int_eq(ka_symvers_parse("Module.symvers", symvers, strlen(symvers),
					  &run->exports, &run->diags), 5);
}

/* Adds a module "name" with the given licenses and imports (NULL-ended). */
static struct ka_module *add_module(struct ka_run *run, const char *name,
				    const char *const *licenses,
				    const char *const *imports)
{
	struct ka_module *m = xcalloc(1, sizeof(*m));

	m->name = xstrdup(name);
	m->path = xasprintf("%s.o", name);
	m->machine = EM_X86_64;
	for (; licenses && *licenses; licenses++)
		strvec_push(&m->licenses, *licenses);
	for (; imports && *imports; imports++) {
		ARRAY_GROW(m->imports, m->n_imports, m->cap_imports);
		m->imports[m->n_imports].name = xstrdup(*imports);
		m->imports[m->n_imports++].weak = false;
	}
	ARRAY_GROW(run->modules, run->n_modules, run->cap_modules);
	run->modules[run->n_modules++] = m;
	return m;
}

static void run_checks(struct ka_run *run)
{
	ka_checks_run_modules(run);
	ka_findings_sort(&run->findings);
}

static size_t count(const struct ka_run *run, const char *check)
{
	size_t n = 0;
	for (size_t i = 0; i < run->findings.n; i++)
		n += !strcmp(run->findings.v[i].check, check);
	return n;
}

static const struct ka_finding *first(const struct ka_run *run, const char *check)
{
	for (size_t i = 0; i < run->findings.n; i++)
		if (!strcmp(run->findings.v[i].check, check))
			return &run->findings.v[i];
	return NULL;
}

START_TEST(test_checks_license_list_is_the_kernels)
{
	struct ka_run run;
	static const char *const ok[] = {"GPL", "GPL v2", "GPL and additional rights",
					 "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
	static const char *const bad[] = {"Proprietary", "GPL v3", "gpl", "BSD",
					  "Dual BSD/GPL ", "MIT", ""};

	setup(&run);
	for (size_t i = 0; i < KA_ARRAY_SIZE(ok); i++)
		ck_assert_msg(ka_license_is_gpl_compatible(&run.rules, ok[i]), "%s", ok[i]);
	for (size_t i = 0; i < KA_ARRAY_SIZE(bad); i++)
		ck_assert_msg(!ka_license_is_gpl_compatible(&run.rules, bad[i]), "%s", bad[i]);
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_gpl_only_use)
{
	struct ka_run run;
	const struct ka_finding *f;

	setup(&run);
	add_module(&run, "prop", (const char *[]){"Proprietary", NULL},
		   (const char *[]){"plain_fn", "gpl_fn", "unused_gpl", "future_gpl", NULL});
	add_module(&run, "gplmod", (const char *[]){"GPL", NULL},
		   (const char *[]){"gpl_fn", NULL});
	add_module(&run, "mixed", (const char *[]){"GPL", "Proprietary", NULL},
		   (const char *[]){"gpl_fn", NULL});
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "gpl-only-use"), 3);
	f = first(&run, "gpl-only-use");
	ck_assert_str_eq(f->module, "mixed");
	ck_assert_str_eq(f->symbol, "gpl_fn");
	ck_assert_int_eq(f->severity, KA_SEV_ERROR);
	ck_assert_str_eq(f->message,
			 "GPL-incompatible module mixed.ko uses GPL-only symbol 'gpl_fn'");
	ck_assert_str_eq(run.findings.v[1].symbol, "gpl_fn");
	ck_assert_str_eq(run.findings.v[1].module, "prop");
	ck_assert_str_eq(run.findings.v[2].symbol, "unused_gpl");
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_license_override)
{
	struct ka_run run;

	setup(&run);
	run.license_override = "Proprietary";
	add_module(&run, "gplmod", (const char *[]){"GPL", NULL},
		   (const char *[]){"gpl_fn", NULL});
	add_module(&run, "nolic", NULL, (const char *[]){"gpl_fn", NULL});
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "gpl-only-use"), 2);
	ck_assert_uint_eq(count(&run, "missing-license"), 0);
	ka_run_free(&run);

	setup(&run);
	run.license_override = "GPL";
	add_module(&run, "prop", (const char *[]){"Proprietary", NULL},
		   (const char *[]){"gpl_fn", NULL});
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 0);
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_missing_license_as_modpost)
{
	struct ka_run run;

	setup(&run);
	add_module(&run, "nolic", NULL, (const char *[]){"gpl_fn", NULL});
	run_checks(&run);
	/* modpost: missing MODULE_LICENSE() is an error, the GPL check is
	 * not made (is_gpl_compatible stays true). */
	ck_assert_uint_eq(run.findings.n, 1);
	ck_assert_str_eq(run.findings.v[0].check, "missing-license");
	ck_assert_str_eq(run.findings.v[0].message, "missing MODULE_LICENSE() in nolic.o");
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_namespace_not_imported)
{
	struct ka_run run;
	struct ka_module *m;

	setup(&run);
	add_module(&run, "a", (const char *[]){"GPL", NULL},
		   (const char *[]){"ns_fn", NULL});
	m = add_module(&run, "b", (const char *[]){"GPL", NULL},
		       (const char *[]){"ns_fn", NULL});
	strvec_push(&m->import_ns, "MY_NS");
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 1);
	ck_assert_str_eq(run.findings.v[0].module, "a");
	ck_assert_str_eq(run.findings.v[0].message,
			 "module a uses symbol ns_fn from namespace MY_NS, but does not import it");
	ck_assert_ptr_null(run.findings.v[0].note);
	ka_run_free(&run);
}
END_TEST

/* modpost's words follow the module's kernel: 7.3 put the name first. */
static const char *message_of(const struct ka_run *run, const char *check,
			      const char *module)
{
	for (size_t i = 0; i < run->findings.n; i++)
		if (!strcmp(run->findings.v[i].check, check) &&
		    !strcmp(run->findings.v[i].module, module))
			return run->findings.v[i].message;
	return "(none)";
}

START_TEST(test_checks_modpost_words_by_version)
{
	struct ka_run run;
	struct ka_module *m;

	setup(&run);
	m = add_module(&run, "new", (const char *[]){"Proprietary", NULL},
		       (const char *[]){"gpl_fn", "ns_fn", "nosuch_fn", NULL});
	m->vermagic = xstrdup("7.3.0-rc7-cloud-amd64 SMP preempt mod_unload ");
	m = add_module(&run, "old", (const char *[]){"Proprietary", NULL},
		       (const char *[]){"gpl_fn", "ns_fn", "nosuch_fn", NULL});
	m->vermagic = xstrdup("7.2.13+deb14-cloud-amd64 SMP ");
	m = add_module(&run, "nolic", NULL, NULL);
	m->vermagic = xstrdup("7.3.0 SMP ");
	/* No vermagic, no kernel release: an unknown version keeps the
	 * older words. */
	add_module(&run, "unknown", (const char *[]){"Proprietary", NULL},
		   (const char *[]){"gpl_fn", NULL});
	run_checks(&run);
	static const char *const want[][3] = {
		{"gpl-only-use", "new", "new.ko: GPL-incompatible module uses GPL-only symbol 'gpl_fn'"},
		{"namespace-not-imported", "new", "new.ko: module uses symbol 'ns_fn' from namespace 'MY_NS', but does not import it"},
		{"unresolved-symbol", "new", "new.ko: symbol 'nosuch_fn' undefined"},
		{"missing-license", "nolic", "nolic.ko: missing MODULE_LICENSE()"},
		{"gpl-only-use", "old", "GPL-incompatible module old.ko uses GPL-only symbol 'gpl_fn'"},
		{"namespace-not-imported", "old", "module old uses symbol ns_fn from namespace MY_NS, but does not import it"},
		{"unresolved-symbol", "old", "\"nosuch_fn\" [old.ko] undefined"},
		{"gpl-only-use", "unknown", "GPL-incompatible module unknown.ko uses GPL-only symbol 'gpl_fn'"},
	};
	for (size_t i = 0; i < KA_ARRAY_SIZE(want); i++)
		ck_assert_str_eq(message_of(&run, want[i][0], want[i][1]), want[i][2]);
	ka_run_free(&run);

	/* A module .o has no vermagic: the kernel side's release decides. */
	setup(&run);
	run.kernel_release = xstrdup("7.3.0");
	add_module(&run, "obj", (const char *[]){"Proprietary", NULL},
		   (const char *[]){"gpl_fn", NULL});
	run_checks(&run);
	ck_assert_str_eq(message_of(&run, "gpl-only-use", "obj"),
			 "obj.ko: GPL-incompatible module uses GPL-only symbol 'gpl_fn'");
	ka_run_free(&run);
}
END_TEST

/* MODULE_IMPORT_NS("MY_NS") built against pre-6.13 headers. */
START_TEST(test_checks_namespace_quoted_import)
{
	struct ka_run run;
	struct ka_module *m;

	setup(&run);
	m = add_module(&run, "q", (const char *[]){"GPL", NULL},
		       (const char *[]){"ns_fn", NULL});
	strvec_push(&m->import_ns, "\"MY_NS\"");
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 1);
	ck_assert_ptr_nonnull(run.findings.v[0].note);
	ck_assert_ptr_nonnull(strstr(run.findings.v[0].note, "MODULE_IMPORT_NS(MY_NS)"));
	ka_run_free(&run);
}
END_TEST

/* 7.2's verify_module_namespace(), both rules. */
START_TEST(test_checks_module_list_match)
{
	static const struct {
		const char *ns, *name;
		bool modpost, loader;
	} c[] = {
		{ "module:kvm,kvm-amd,kvm-intel", "kvm", true, true },
		{ "module:kvm,kvm-amd,kvm-intel", "kvm-amd", true, true },
		{ "module:kvm,kvm-amd,kvm-intel", "kvm_amd", false, true },
		{ "module:kvm,kvm-amd,kvm-intel", "kvm-am", false, false },
		{ "module:kvm,kvm-amd,kvm-intel", "kvm-amdx", false, false },
		{ "module:kvm,kvm-amd,kvm-intel", "kv", false, false },
		{ "module:kvm_amd", "kvm-amd", false, true },
		{ "module:snd-*,foo", "snd-hda", true, true },
		{ "module:snd-*,foo", "snd_hda", false, true },
		{ "module:snd-*,foo", "snd-", true, true },
		{ "module:snd-*,foo", "snd", false, false },
		{ "module:snd-*,foo", "foo", true, true },
		{ "module:*", "anything", true, true },
		{ "module:", "x", false, false },
		{ "KVM", "kvm", false, false },
	};
	for (size_t i = 0; i < KA_ARRAY_SIZE(c); i++) {
		ck_assert_msg(ka_ns_module_admits(c[i].ns, c[i].name, false) == c[i].modpost,
			      "modpost %s %s", c[i].ns, c[i].name);
		ck_assert_msg(ka_ns_module_admits(c[i].ns, c[i].name, true) == c[i].loader,
			      "loader %s %s", c[i].ns, c[i].name);
	}
	ck_assert(ka_ns_is_module_list("module:kvm"));
	ck_assert(!ka_ns_is_module_list("MODULE_kvm"));
	ck_assert(!ka_ns_is_module_list(NULL));
}
END_TEST

/*
 * EXPORT_SYMBOL_FOR_MODULES: a listed module needs no import; an unlisted
 * one gets modpost's message and the loader's in the note; importing a
 * "module:" namespace is refused.
 */
START_TEST(test_checks_module_restricted)
{
	static const char sv[] =
		"0x0\t__flush_tlb_all\tvmlinux\tEXPORT_SYMBOL_GPL\tmodule:kvm,kvm-amd,kvm-intel\n";
	struct ka_run run;
	struct ka_module *m;

	ka_run_init(&run, "check");
	ck_assert_int_eq(ka_rules_load(KA_SOURCE_RULES_DIR, &run.rules, &run.diags), 0);
	ck_assert_int_eq(ka_symvers_parse("Module.symvers", sv, strlen(sv),
					  &run.exports, &run.diags), 1);
	m = add_module(&run, "kvm_amd", (const char *[]){"GPL", NULL},
		       (const char *[]){"__flush_tlb_all", NULL});
	free(m->path);
	m->path = xstrdup("arch/x86/kvm/kvm-amd.ko");
	m = add_module(&run, "vboxdrv", (const char *[]){"GPL", NULL},
		       (const char *[]){"__flush_tlb_all", NULL});
	m = add_module(&run, "kvm_intel", (const char *[]){"GPL", NULL},
		       (const char *[]){"__flush_tlb_all", NULL});
	free(m->path);
	m->path = xstrdup("kvm_intel.o"); /* '_' where the list says '-' */
	m = add_module(&run, "kvm", (const char *[]){"GPL", NULL}, NULL);
	strvec_push(&m->import_ns, "module:kvm,kvm-amd,kvm-intel");
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 3);
	ck_assert_uint_eq(count(&run, "namespace-not-imported"), 3);
	for (size_t i = 0; i < run.findings.n; i++) {
		const struct ka_finding *f = &run.findings.v[i];
		ck_assert_ptr_nonnull(f->note);
		if (!strcmp(f->module, "vboxdrv")) {
			ck_assert_str_eq(f->message, "module vboxdrv uses symbol __flush_tlb_all from namespace module:kvm,kvm-amd,kvm-intel, but does not import it");
			ck_assert_ptr_nonnull(strstr(f->note, "\"vboxdrv: module uses symbol (__flush_tlb_all) from namespace module:kvm,kvm-amd,kvm-intel, but does not import it.\""));
		} else if (!strcmp(f->module, "kvm_intel")) {
			ck_assert_str_eq(f->message, "module kvm_intel uses symbol __flush_tlb_all from namespace module:kvm,kvm-amd,kvm-intel, but does not import it");
			ck_assert_ptr_nonnull(strstr(f->note, "would accept it"));
		} else {
			ck_assert_str_eq(f->module, "kvm");
			ck_assert_ptr_null(f->symbol);
			ck_assert_str_eq(f->message, "kvm: explicitly importing namespace \"module:kvm,kvm-amd,kvm-intel\" is not allowed.");
		}
	}
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_unresolved_symbol_weak_ignored)
{
	struct ka_run run;
	struct ka_module *m;

	setup(&run);
	m = add_module(&run, "a", (const char *[]){"GPL", NULL},
		       (const char *[]){"nowhere", "weak_nowhere", NULL});
	m->imports[1].weak = true;
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 1);
	ck_assert_str_eq(run.findings.v[0].check, "unresolved-symbol");
	ck_assert_int_eq(run.findings.v[0].severity, KA_SEV_WARNING);
	ck_assert_str_eq(run.findings.v[0].message, "\"nowhere\" [a.ko] undefined");
	ka_run_free(&run);
}
END_TEST

static void export_from(struct ka_run *run, struct ka_module *m, const char *sym)
{
	struct ka_export *e = xcalloc(1, sizeof(*e));

	e->name = xstrdup(sym);
	e->owner = xstrdup(m->name);
	e->type = KA_EXPORT_PLAIN;
	e->source = KA_SRC_ELF;
	e->module = m;
	ka_exportdb_add(&run->exports, e);
}

START_TEST(test_checks_proprietary_import)
{
	struct ka_run run;
	struct ka_module *vendor, *self;

	setup(&run);
	vendor = add_module(&run, "vendor", (const char *[]){"Proprietary", NULL}, NULL);
	export_from(&run, vendor, "vendor_fn");
	add_module(&run, "shim", (const char *[]){"GPL", NULL},
		   (const char *[]){"vendor_fn", "gpl_fn", NULL});
	add_module(&run, "user", (const char *[]){"GPL", NULL},
		   (const char *[]){"vendor_fn", NULL});
	/* A module's use of its own export is no import. */
	self = add_module(&run, "self", (const char *[]){"Proprietary", NULL},
			  (const char *[]){"self_fn", NULL});
	export_from(&run, self, "self_fn");
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "proprietary-import"), 2);
	ck_assert_uint_eq(run.findings.n, 2);
	ck_assert_str_eq(run.findings.v[0].module, "shim");
	ck_assert_int_eq(run.findings.v[0].severity, KA_SEV_ERROR);
	ck_assert_str_eq(run.findings.v[1].module, "user");
	ck_assert_int_eq(run.findings.v[1].severity, KA_SEV_WARNING);
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_machine_mismatch)
{
	struct ka_run run;
	struct ka_module *m;

	setup(&run);
	run.have_kernel_machine = true;
	run.kernel_machine = EM_X86_64;
	run.kernel_image = xstrdup("vmlinux");
	add_module(&run, "same", (const char *[]){"GPL", NULL}, NULL);
	m = add_module(&run, "arm", (const char *[]){"GPL", NULL}, NULL);
	m->machine = EM_AARCH64;
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 1);
	ck_assert_str_eq(run.findings.v[0].check, "machine-mismatch");
	ck_assert_str_eq(run.findings.v[0].message,
			 "module is for AARCH64 but the kernel image vmlinux is for AMD x86-64");
	ka_run_free(&run);

	/* Same machine, another byte order (ppc64 vs ppc64le) or word size. */
	setup(&run);
	run.have_kernel_machine = true;
	run.kernel_machine = EM_PPC64;
	run.kernel_elfclass = ELFCLASS64;
	run.kernel_byteorder = ELFDATA2LSB;
	run.kernel_image = xstrdup("vmlinux");
	m = add_module(&run, "le", (const char *[]){"GPL", NULL}, NULL);
	m->machine = EM_PPC64;
	m->elfclass = ELFCLASS64;
	m->byteorder = ELFDATA2LSB;
	m = add_module(&run, "be", (const char *[]){"GPL", NULL}, NULL);
	m->machine = EM_PPC64;
	m->elfclass = ELFCLASS64;
	m->byteorder = ELFDATA2MSB;
	m = add_module(&run, "w32", (const char *[]){"GPL", NULL}, NULL);
	m->machine = EM_PPC64;
	m->elfclass = ELFCLASS32;
	m->byteorder = ELFDATA2LSB;
	run_checks(&run);
	ck_assert_uint_eq(run.findings.n, 2);
	ck_assert_str_eq(run.findings.v[0].message,
			 "module is for PowerPC64, 64-bit big-endian but the kernel image vmlinux is for PowerPC64, 64-bit little-endian");
	ck_assert_str_eq(run.findings.v[1].message,
			 "module is for PowerPC64, 32-bit little-endian but the kernel image vmlinux is for PowerPC64, 64-bit little-endian");
	ka_run_free(&run);
}
END_TEST

START_TEST(test_checks_header_globs)
{
	struct ka_run run;

	setup(&run);
	ck_assert(ka_path_is_header(&run.rules, "include/linux/mm.h"));
	ck_assert(ka_path_is_header(&run.rules, "./include/linux/rcupdate.h"));
	ck_assert(ka_path_is_header(&run.rules, "arch/x86/include/asm/jump_label.h"));
	ck_assert(ka_path_is_header(&run.rules,
				    "/usr/src/linux-headers-9.9.9-1-common/include/linux/mm.h"));
	ck_assert(!ka_path_is_header(&run.rules, "mm/memremap.c"));
	ck_assert(!ka_path_is_header(&run.rules, "drivers/gpu/foo.c"));
	ka_run_free(&run);
}
END_TEST

/*
 * The taint follows imports (inherit_taint() sets the importer's
 * TAINT_PROPRIETARY_MODULE, which its own importers then meet); a
 * proprietary importer gets nothing; before 5.9 there is no such rule; the
 * order of imports picks the kernel's message.
 */
START_TEST(test_checks_proprietary_import_chain)
{
	struct ka_run run;
	struct ka_module *vendor, *mid;

	setup(&run);
	vendor = add_module(&run, "vendor", (const char *[]){"NVIDIA", NULL}, NULL);
	export_from(&run, vendor, "vendor_fn");
	mid = add_module(&run, "mid", (const char *[]){"Dual MIT/GPL", NULL},
			 (const char *[]){"vendor_fn", NULL});
	export_from(&run, mid, "mid_fn");
	/* GPL-only first: the loader's own message. */
	add_module(&run, "top", (const char *[]){"GPL", NULL},
		   (const char *[]){"gpl_fn", "mid_fn", NULL});
	/* Tainted first: then gpl_fn is an unknown symbol to it. */
	add_module(&run, "late", (const char *[]){"GPL", NULL},
		   (const char *[]){"mid_fn", "gpl_fn", NULL});
	add_module(&run, "prop", (const char *[]){"Proprietary", NULL},
		   (const char *[]){"vendor_fn", "mid_fn", NULL});
	struct ka_module *old = add_module(&run, "old", (const char *[]){"GPL", NULL},
					   (const char *[]){"vendor_fn", "gpl_fn", NULL});
	old->vermagic = xstrdup("5.8.0-3-amd64 SMP mod_unload modversions ");
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "proprietary-import"), 3);
	for (size_t i = 0; i < run.findings.n; i++) {
		const struct ka_finding *f = &run.findings.v[i];
		ck_assert_str_ne(f->module, "prop");
		ck_assert_str_ne(f->module, "old");
		if (!strcmp(f->module, "mid")) {
			ck_assert_int_eq(f->severity, KA_SEV_WARNING);
			ck_assert_ptr_nonnull(strstr(f->message, "inheriting taint."));
		} else if (!strcmp(f->module, "top")) {
			ck_assert_int_eq(f->severity, KA_SEV_ERROR);
			ck_assert_str_eq(f->symbol, "mid_fn");
			ck_assert_ptr_nonnull(strstr(f->message,
				"module using GPL-only symbols uses symbols mid_fn from proprietary module mid."));
		} else {
			ck_assert_str_eq(f->module, "late");
			ck_assert_int_eq(f->severity, KA_SEV_ERROR);
			ck_assert_ptr_nonnull(strstr(f->message, "Unknown symbol gpl_fn"));
		}
	}
	ka_run_free(&run);
}
END_TEST

/* symbol_get() of a plain export fails where __symbol_get is GPL-only. */
START_TEST(test_checks_symbol_get)
{
	static const char sv[] = "0x9\t__symbol_get\tvmlinux\tEXPORT_SYMBOL_GPL\t\n";
	struct ka_run run;

	setup(&run);
	struct ka_module *m = add_module(&run, "getter", (const char *[]){"GPL", NULL},
					 (const char *[]){"__symbol_get", NULL});
	strvec_push(&m->symbol_gets, "plain_fn");
	strvec_push(&m->symbol_gets, "gpl_fn");
	strvec_push(&m->symbol_gets, "nobody_fn");
	/* Without __symbol_get in the exports: by vermagic, 6.6+ only. */
	m->vermagic = xstrdup("6.5.0 SMP ");
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "symbol-get"), 0);
	free(m->vermagic);
	m->vermagic = xstrdup("6.12.0 SMP ");
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "symbol-get"), 1);
	ka_findings_free(&run.findings);
	run.findings = (struct ka_findings){ 0 };
	/* A 6.1 whose __symbol_get is GPL-only has the backport. */
	free(m->vermagic);
	m->vermagic = xstrdup("6.1.0-57-amd64 SMP ");
	ck_assert_int_eq(ka_symvers_parse("more", sv, strlen(sv), &run.exports, &run.diags), 1);
	run_checks(&run);
	ck_assert_uint_eq(count(&run, "symbol-get"), 1);
	ck_assert_str_eq(first(&run, "symbol-get")->symbol, "plain_fn");
	ka_run_free(&run);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("checks");

	tcase_add_test(tc, test_checks_license_list_is_the_kernels);
	tcase_add_test(tc, test_checks_gpl_only_use);
	tcase_add_test(tc, test_checks_license_override);
	tcase_add_test(tc, test_checks_missing_license_as_modpost);
	tcase_add_test(tc, test_checks_namespace_not_imported);
	tcase_add_test(tc, test_checks_modpost_words_by_version);
	tcase_add_test(tc, test_checks_namespace_quoted_import);
	tcase_add_test(tc, test_checks_module_list_match);
	tcase_add_test(tc, test_checks_module_restricted);
	tcase_add_test(tc, test_checks_unresolved_symbol_weak_ignored);
	tcase_add_test(tc, test_checks_proprietary_import);
	tcase_add_test(tc, test_checks_proprietary_import_chain);
	tcase_add_test(tc, test_checks_symbol_get);
	tcase_add_test(tc, test_checks_machine_mismatch);
	tcase_add_test(tc, test_checks_header_globs);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
