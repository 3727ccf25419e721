/* Unit tests of the Module.symvers reader: every era, malformed lines. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/exports.h"
#include "tests/ka-check.h"

static int parse(const char *text, struct ka_exportdb *db, struct ka_diags *d)
{
	return ka_symvers_parse("Module.symvers", text, strlen(text), db, d);
}

START_TEST(test_symvers_pre_2_6_18)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};
	const struct ka_export *e;

	ck_assert_int_eq(parse("0x12345678\tfoo\tvmlinux\n", &db, &d), 1);
	e = ka_exportdb_find(&db, "foo");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, KA_EXPORT_PLAIN);
	ck_assert_str_eq(e->owner, "vmlinux");
	ck_assert_uint_eq(e->crc, 0x12345678);
	ck_assert_ptr_null(e->ns);
	ck_assert_uint_eq(d.n, 0);
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_four_fields_historical_types)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	ck_assert_int_eq(parse("0x1\ta\tvmlinux\tEXPORT_SYMBOL\n"
			       "0x2\tb\tdrivers/x/y\tEXPORT_SYMBOL_GPL\n"
			       "0x3\tc\tvmlinux\tEXPORT_SYMBOL_GPL_FUTURE\n"
			       "0x4\td\tvmlinux\tEXPORT_UNUSED_SYMBOL\n"
			       "0x5\te\tvmlinux\tEXPORT_UNUSED_SYMBOL_GPL\n",
			       &db, &d), 5);
	ck_assert_int_eq(ka_exportdb_find(&db, "a")->type, KA_EXPORT_PLAIN);
	ck_assert_int_eq(ka_exportdb_find(&db, "b")->type, KA_EXPORT_GPL);
	ck_assert_str_eq(ka_exportdb_find(&db, "b")->owner, "drivers/x/y");
	ck_assert_int_eq(ka_exportdb_find(&db, "c")->type, KA_EXPORT_GPL_FUTURE);
	ck_assert_int_eq(ka_exportdb_find(&db, "d")->type, KA_EXPORT_UNUSED);
	ck_assert_int_eq(ka_exportdb_find(&db, "e")->type, KA_EXPORT_UNUSED_GPL);
	ck_assert(!ka_export_type_is_gpl_only(KA_EXPORT_PLAIN));
	ck_assert(ka_export_type_is_gpl_only(KA_EXPORT_GPL));
	ck_assert(!ka_export_type_is_gpl_only(KA_EXPORT_GPL_FUTURE));
	ck_assert(!ka_export_type_is_gpl_only(KA_EXPORT_UNUSED));
	ck_assert(ka_export_type_is_gpl_only(KA_EXPORT_UNUSED_GPL));
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_5_4_namespace_second)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};
	const struct ka_export *e;

	ck_assert_int_eq(parse("0xabc\tusb_stor_x\tUSB_STORAGE\tdrivers/usb/storage/usb-storage\tEXPORT_SYMBOL_GPL\n"
			       "0xabd\tplain\t\tvmlinux\tEXPORT_SYMBOL\n",
			       &db, &d), 2);
	e = ka_exportdb_find(&db, "usb_stor_x");
	ck_assert_str_eq(e->ns, "USB_STORAGE");
	ck_assert_str_eq(e->owner, "drivers/usb/storage/usb-storage");
	ck_assert_int_eq(e->type, KA_EXPORT_GPL);
	e = ka_exportdb_find(&db, "plain");
	ck_assert_ptr_null(e->ns);
	ck_assert_str_eq(e->owner, "vmlinux");
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_5_6_namespace_last)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};
	const struct ka_export *e;

	ck_assert_int_eq(parse("0x8d522714\t__rcu_read_lock\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
			       "0x00000001\tcxl_x\tdrivers/cxl/core/cxl_core\tEXPORT_SYMBOL_GPL\tCXL\r\n",
			       &db, &d), 2);
	e = ka_exportdb_find(&db, "__rcu_read_lock");
	ck_assert_ptr_null(e->ns);
	ck_assert_int_eq(e->type, KA_EXPORT_GPL);
	ck_assert_uint_eq(e->origin_line, 1);
	e = ka_exportdb_find(&db, "cxl_x");
	ck_assert_str_eq(e->ns, "CXL");
	ck_assert_str_eq(e->owner, "drivers/cxl/core/cxl_core");
	ck_assert_uint_eq(e->origin_line, 2);
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_malformed_lines_skipped)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	ck_assert_int_eq(parse("0x1\tgood\tvmlinux\tEXPORT_SYMBOL\n"
			       "garbage\n"
			       "nothex\tx\tvmlinux\tEXPORT_SYMBOL\n"
			       "0x1\ty\tvmlinux\tEXPORT_SYMBOL_WEIRD\n"
			       "\n"
			       "0x1\tz\t\tEXPORT_SYMBOL\n"
			       "0x1\ta\tb\tc\td\te\tf\n"
			       "0x2\tgood2\tvmlinux\tEXPORT_SYMBOL_GPL\tNS\n",
			       &db, &d), 2);
	ck_assert_uint_eq(db.n, 2);
	ck_assert_uint_eq(d.n, 5);
	ck_assert_uint_eq(d.v[0].line, 2);
	ck_assert_uint_eq(d.v[1].line, 3);
	ck_assert_uint_eq(d.v[2].line, 4);
	ck_assert_ptr_nonnull(strstr(d.v[2].message, "EXPORT_SYMBOL_WEIRD"));
	ck_assert_uint_eq(d.v[3].line, 6);
	ck_assert_uint_eq(d.v[4].line, 7);
	ck_assert(!ka_diags_have_fatal(&d));
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_empty_is_fatal)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	ck_assert_int_eq(parse("", &db, &d), -EINVAL);
	ck_assert(ka_diags_have_fatal(&d));
	ck_assert_ptr_nonnull(strstr(d.v[0].message, "empty"));
	ka_diags_free(&d);
	ck_assert_int_eq(parse("junk\njunk\n", &db, &d), -EINVAL);
	ck_assert(ka_diags_have_fatal(&d));
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_missing_file)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	ck_assert_int_eq(ka_symvers_read("/nonexistent/Module.symvers", &db, &d),
			 -ENOENT);
	ck_assert(ka_diags_have_fatal(&d));
	ck_assert_str_eq(d.v[0].file, "/nonexistent/Module.symvers");
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_first_export_wins_duplicates_kept)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	ck_assert_int_eq(parse("0x1\tdup\tvmlinux\tEXPORT_SYMBOL\n"
			       "0x2\tdup\tdrivers/a\tEXPORT_SYMBOL_GPL\n",
			       &db, &d), 2);
	ck_assert_uint_eq(db.n, 2);
	ck_assert_int_eq(ka_exportdb_find(&db, "dup")->type, KA_EXPORT_PLAIN);
	/* Another type for the same symbol is said, with both places. */
	ck_assert_uint_eq(d.n, 1);
	ck_assert(!d.v[0].fatal);
	ck_assert_uint_eq(d.v[0].line, 2);
	ck_assert_str_eq(d.v[0].message,
			 "'dup' is EXPORT_SYMBOL_GPL here but EXPORT_SYMBOL at "
			 "Module.symvers:1; the first is used");
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_duplicate_same_type_silent)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	ck_assert_int_eq(parse("0x1\tdup\tvmlinux\tEXPORT_SYMBOL_GPL\n"
			       "0x1\tdup\tvmlinux\tEXPORT_SYMBOL_GPL\n",
			       &db, &d), 2);
	ck_assert_uint_eq(d.n, 0);
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_five_fields_unknown_type)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};

	/* Neither layout: the message names both candidate fields. */
	ck_assert_int_eq(parse("0x1\tsym\tvmlinux\tEXPORT_SYMBOL_WEIRD\tNS\n"
			       "0x2\tok\tvmlinux\tEXPORT_SYMBOL\t\n", &db, &d), 1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].message,
			 "malformed line: no export type in field 4 "
			 "('EXPORT_SYMBOL_WEIRD', 5.6+ layout) or field 5 ('NS', "
			 "5.4-5.5 layout)");
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_symvers_special_files)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};
	char dir[] = "/tmp/ka-symvers-XXXXXX", *fifo;

	/* /dev/null and a FIFO are reported without reading (or blocking). */
	ck_assert_int_eq(ka_symvers_read("/dev/null", &db, &d), -EINVAL);
	ck_assert(ka_diags_have_fatal(&d));
	ck_assert_str_eq(d.v[0].message,
			 "is a character device, not a regular file: skipped");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	fifo = xasprintf("%s/Module.symvers", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(ka_symvers_read(fifo, &db, &d), -EINVAL);
	ck_assert_str_eq(d.v[1].message,
			 "is a FIFO (named pipe), not a regular file: skipped");
	ck_assert_int_eq(ka_symvers_read(dir, &db, &d), -EISDIR);
	ck_assert_str_eq(d.v[2].message, "is a directory");
	unlink(fifo);
	rmdir(dir);
	free(fifo);
	ka_exportdb_free(&db);
	ka_diags_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("symvers");
	TCase *tc = tcase_create("symvers");

	tcase_add_test(tc, test_symvers_pre_2_6_18);
	tcase_add_test(tc, test_symvers_four_fields_historical_types);
	tcase_add_test(tc, test_symvers_5_4_namespace_second);
	tcase_add_test(tc, test_symvers_5_6_namespace_last);
	tcase_add_test(tc, test_symvers_malformed_lines_skipped);
	tcase_add_test(tc, test_symvers_empty_is_fatal);
	tcase_add_test(tc, test_symvers_missing_file);
	tcase_add_test(tc, test_symvers_first_export_wins_duplicates_kept);
	tcase_add_test(tc, test_symvers_duplicate_same_type_silent);
	tcase_add_test(tc, test_symvers_five_fields_unknown_type);
	tcase_add_test(tc, test_symvers_special_files);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
