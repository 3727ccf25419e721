/*
 * Unit tests of what CI needs from the emitters and the baseline reader:
 * path mapping and normalisation, the primary location, Code Quality
 * issues, SARIF's limits and baseline states, one-to-one baseline matching.
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/baseline.h"
#include "ksymaudit/emit.h"
#include "tests/ka-check.h"

static char *map(const struct ka_emit_opts *o, const char *path)
{
	static char buf[4096];
	char *p = ka_emit_path(o, path);
	snprintf(buf, sizeof(buf), "%s", p);
	free(p);
	return buf;
}

START_TEST(test_paths_normalise)
{
	struct ka_emit_opts o = {0};

	ck_assert_str_eq(map(&o, "net/ipv4/../core/sock.h"), "net/core/sock.h");
	ck_assert_str_eq(map(&o, "arch/x86/kvm/../../../virt/kvm/kvm_main.c"),
			 "virt/kvm/kvm_main.c");
	ck_assert_str_eq(map(&o, "./a//b/./c"), "a/b/c");
	ck_assert_str_eq(map(&o, "a/../../b"), "../b");
	ck_assert_str_eq(map(&o, "../../x/../y"), "../../y");
	ck_assert_str_eq(map(&o, ".."), "..");
	ck_assert_str_eq(map(&o, "a/.."), ".");
	ck_assert_str_eq(map(&o, "/../x"), "/x");
	ck_assert_str_eq(map(&o, "/usr/src/linux/../linux-6.1/mm/x.c"),
			 "/usr/src/linux-6.1/mm/x.c");
	ck_assert_str_eq(map(&o, "/"), "/");
	ck_assert_str_eq(map(&o, "x/"), "x");
}
END_TEST

START_TEST(test_paths_maps_and_root)
{
	const char *maps[] = {
		"/var/lib/dkms/afs/1.8/build/src/libafs/MODLOAD-6.1=src/afs",
		"/build/linux=",
		"include=kernel/include",
	};
	struct ka_emit_opts o = {.path_maps = maps, .n_path_maps = 3};

	ck_assert_str_eq(map(&o, "/var/lib/dkms/afs/1.8/build/src/libafs/MODLOAD-6.1/afs_bypasscache.c"),
			 "src/afs/afs_bypasscache.c");
	/* Whole components only. */
	ck_assert_str_eq(map(&o, "/var/lib/dkms/afs/1.8/build/src/libafs/MODLOAD-6.10/x.c"),
			 "/var/lib/dkms/afs/1.8/build/src/libafs/MODLOAD-6.10/x.c");
	ck_assert_str_eq(map(&o, "/build/linux/mm/filemap.c"), "mm/filemap.c");
	ck_assert_str_eq(map(&o, "/build/linuxx/mm/filemap.c"), "/build/linuxx/mm/filemap.c");
	ck_assert_str_eq(map(&o, "include/linux/mm.h"), "kernel/include/linux/mm.h");

	o = (struct ka_emit_opts){.source_root = "/src/linux"};
	ck_assert_str_eq(map(&o, "/src/linux/mm/x.c"), "mm/x.c");
	ck_assert_str_eq(map(&o, "/src/linux/../linux/mm/x.c"), "mm/x.c");
	ck_assert_str_eq(map(&o, "/src/linux-6.1/mm/x.c"), "/src/linux-6.1/mm/x.c");
	ck_assert_str_eq(map(&o, "mm/x.c"), "mm/x.c");
	ck_assert_str_eq(map(&o, "/src/linux"), ".");
}
END_TEST

/* A symbolic link into the tree (Kbuild's shadow directories) resolves. */
START_TEST(test_paths_symlink_into_root)
{
	char dir[] = "/tmp/ka-paths-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *root = xasprintf("%s/repo", dir), *src = xasprintf("%s/repo/a.c", dir);
	char *shadow = xasprintf("%s/shadow", dir), *link = xasprintf("%s/shadow/a.c", dir);
	ck_assert_int_eq(mkdir(root, 0700), 0);
	ck_assert_int_eq(mkdir(shadow, 0700), 0);
	FILE *f = fopen(src, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(symlink(src, link), 0);
	char *real_root = realpath(root, NULL);
	struct ka_emit_opts o = {.source_root = real_root};
	ck_assert_str_eq(map(&o, link), "a.c");
	unlink(link);
	unlink(src);
	rmdir(shadow);
	rmdir(root);
	rmdir(dir);
	free(real_root);
	free(root);
	free(src);
	free(shadow);
	free(link);
}
END_TEST

START_TEST(test_paths_binary_and_primary)
{
	ck_assert(ka_emit_path_is_binary("drivers/foo.ko"));
	ck_assert(ka_emit_path_is_binary("/x/foo.ko.zst"));
	ck_assert(ka_emit_path_is_binary("foo.o"));
	ck_assert(ka_emit_path_is_binary("/usr/lib/debug/boot/vmlinux-6.1.0"));
	ck_assert(!ka_emit_path_is_binary("foo.c"));
	ck_assert(!ka_emit_path_is_binary("include/linux/kobject.h"));

	struct ka_site sites[2] = {
		{.file = NULL, .line = 0},
		{.file = (char *)"vendor.c", .line = 36},
	};
	struct ka_finding f = {.check = "gpl-only-use", .file = (char *)"vendor.o",
			       .sites = sites, .n_sites = 2};
	const char *file;
	unsigned line;
	ka_emit_primary_location(&f, &file, &line);
	ck_assert_str_eq(file, "vendor.c");
	ck_assert_uint_eq(line, 36);
	f.n_sites = 1; /* no source line anywhere: the binary */
	ka_emit_primary_location(&f, &file, &line);
	ck_assert_str_eq(file, "vendor.o");
	ck_assert_uint_eq(line, 0);
	f.file = (char *)"vendor.c";
	f.line = 12;
	f.n_sites = 2; /* a source file of its own wins */
	ka_emit_primary_location(&f, &file, &line);
	ck_assert_str_eq(file, "vendor.c");
	ck_assert_uint_eq(line, 12);
}
END_TEST

static struct json_object *emit(const struct ka_emitter *em,
				const struct ka_run *run,
				const struct ka_emit_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(em->emit(f, run, o), 0);
	fclose(f);
	struct json_object *j = json_tokener_parse(buf);
	ck_assert_ptr_nonnull(j);
	free(buf);
	return j;
}

static void add_finding(struct ka_run *run, const char *check,
			enum ka_severity sev, const char *symbol,
			const char *file, unsigned line)
{
	struct ka_finding *f = ka_finding_add(&run->findings, check, sev, "m",
					      file, symbol, "%s here", symbol);
	f->line = line;
}

START_TEST(test_codequality_issues)
{
	struct ka_run run = {.command = "check"};
	add_finding(&run, "gpl-only-use", KA_SEV_ERROR, "a", "/repo/x.c", 3);
	add_finding(&run, "gpl-only-use", KA_SEV_ERROR, "a", "/repo/x.c", 9);
	add_finding(&run, "unresolved-symbol", KA_SEV_WARNING, "b", "/repo/m.ko", 0);
	add_finding(&run, "missing-license", KA_SEV_NOTE, "c", "/repo/x.c", 1);
	run.findings.v[3].waived_by = "reviewed";
	struct ka_emit_opts o = {.source_root = "/repo"};
	struct json_object *j = emit(&ka_emit_codequality, &run, &o);

	ck_assert(json_object_is_type(j, json_type_array));
	ck_assert_uint_eq(json_object_array_length(j), 3); /* waived: left out */
	struct json_object *i0 = json_object_array_get_idx(j, 0), *v, *loc, *l;
	struct json_object *i1 = json_object_array_get_idx(j, 1);
	struct json_object *i2 = json_object_array_get_idx(j, 2);
	json_object_object_get_ex(i0, "severity", &v);
	ck_assert_str_eq(json_object_get_string(v), "critical");
	json_object_object_get_ex(i0, "description", &v);
	ck_assert_str_eq(json_object_get_string(v), "a here [gpl-only-use]");
	json_object_object_get_ex(i0, "location", &loc);
	json_object_object_get_ex(loc, "path", &v);
	ck_assert_str_eq(json_object_get_string(v), "x.c");
	json_object_object_get_ex(loc, "lines", &l);
	json_object_object_get_ex(l, "begin", &v);
	ck_assert_int_eq(json_object_get_int(v), 3);
	/* Same identity twice: the second gets "-2". */
	struct json_object *fp0, *fp1;
	json_object_object_get_ex(i0, "fingerprint", &fp0);
	json_object_object_get_ex(i1, "fingerprint", &fp1);
	char *want = xasprintf("%s-2", json_object_get_string(fp0));
	ck_assert_str_eq(json_object_get_string(fp1), want);
	free(want);
	/* No line: line 1 of the file, as GitLab requires a line. */
	json_object_object_get_ex(i2, "severity", &v);
	ck_assert_str_eq(json_object_get_string(v), "major");
	json_object_object_get_ex(i2, "location", &loc);
	json_object_object_get_ex(loc, "lines", &l);
	json_object_object_get_ex(l, "begin", &v);
	ck_assert_int_eq(json_object_get_int(v), 1);
	json_object_put(j);
	ka_findings_free(&run.findings);
}
END_TEST

START_TEST(test_sarif_limits_and_baseline)
{
	struct ka_run run = {.command = "tree"};
	add_finding(&run, "export-wrapper", KA_SEV_WARNING, "w", "core.c", 5);
	struct ka_finding *f = &run.findings.v[0];
	for (int i = 0; i < 1205; i++) {
		struct ka_site *s = ka_finding_add_site(f);
		s->file = xstrdup("core.c");
		s->line = (unsigned)i + 1;
		s->function = xstrdup("w");
	}
	struct ka_baseline b = {0};
	ka_baseline_apply(&b, &run.findings);
	ck_assert_int_eq(f->baseline, KA_BASELINE_NEW);
	struct ka_emit_opts o = {.baseline = &b};
	struct json_object *j = emit(&ka_emit_sarif, &run, &o), *runs, *r0,
			   *results, *res, *v, *props;

	json_object_object_get_ex(j, "runs", &runs);
	r0 = json_object_array_get_idx(runs, 0);
	json_object_object_get_ex(r0, "results", &results);
	res = json_object_array_get_idx(results, 0);
	json_object_object_get_ex(res, "relatedLocations", &v);
	ck_assert_uint_eq(json_object_array_length(v), 1000);
	json_object_object_get_ex(res, "properties", &props);
	json_object_object_get_ex(props, "sitesLeftOut", &v);
	ck_assert_int_eq(json_object_get_int(v), 205);
	json_object_object_get_ex(res, "baselineState", &v);
	ck_assert_str_eq(json_object_get_string(v), "new");
	json_object_object_get_ex(res, "partialFingerprints", &v);
	json_object_object_get_ex(v, "ksymaudit/v1", &v);
	ck_assert_uint_eq(strlen(json_object_get_string(v)), 16);
	json_object_object_get_ex(res, "locations", &v);
	v = json_object_array_get_idx(v, 0);
	json_object_object_get_ex(v, "physicalLocation", &v);
	json_object_object_get_ex(v, "artifactLocation", &v);
	json_object_object_get_ex(v, "uriBaseId", &v);
	ck_assert_str_eq(json_object_get_string(v), "SRCROOT");
	json_object_put(j);
	ka_baseline_free(&b);
	ka_findings_free(&run.findings);
}
END_TEST

/* One baseline entry matches one finding. */
START_TEST(test_baseline_one_to_one)
{
	struct ka_findings fs = {0};
	char fp[17];
	ka_finding_add(&fs, "inline-exposure", KA_SEV_WARNING, NULL, "a.h", "f", "x");
	ka_finding_add(&fs, "inline-exposure", KA_SEV_WARNING, NULL, "a.h", "f", "x");
	ka_finding_add(&fs, "inline-exposure", KA_SEV_WARNING, NULL, "a.h", "g", "y");
	struct ka_baseline b = {0};
	b.cap = b.n = 2;
	b.v = xcalloc(2, sizeof(*b.v));
	memcpy(b.v[0].fingerprint, ka_finding_fingerprint(&fs.v[0], fp), 17);
	b.v[0].check = xstrdup("inline-exposure");
	memcpy(b.v[1].fingerprint, "0000000000000000", 17);
	b.v[1].check = xstrdup("export-wrapper");
	ka_baseline_apply(&b, &fs);
	ck_assert_int_eq(fs.v[0].baseline, KA_BASELINE_UNCHANGED);
	ck_assert_int_eq(fs.v[1].baseline, KA_BASELINE_NEW);
	ck_assert_int_eq(fs.v[2].baseline, KA_BASELINE_NEW);
	ck_assert_uint_eq(b.n_new, 2);
	ck_assert_uint_eq(b.n_unchanged, 1);
	ck_assert_uint_eq(b.n_absent, 1);
	ka_baseline_free(&b);
	ka_findings_free(&fs);
}
END_TEST

START_TEST(test_baseline_load)
{
	char path[] = "/tmp/ka-baseline-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *doc = "{\"schema_version\":1,\"command\":\"tree\",\"findings\":["
			  "{\"check\":\"export-wrapper\",\"fingerprint\":\"0123456789abcdef\","
			  "\"module\":null,\"symbol\":\"s\",\"message\":\"m\"},"
			  "{\"check\":\"inline-exposure\",\"symbol\":\"f\",\"file\":\"a.h\"}]}";
	ck_assert_int_eq(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
	close(fd);
	struct ka_baseline b;
	struct ka_diags d = {0};
	ck_assert_int_eq(ka_baseline_load(path, &b, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(b.command, "tree");
	ck_assert_uint_eq(b.n, 2);
	ck_assert_str_eq(b.v[0].fingerprint, "0123456789abcdef");
	ck_assert_str_eq(b.v[0].symbol, "s");
	/* No fingerprint member: the identity of its fields. */
	struct ka_finding f = {.check = "inline-exposure", .symbol = (char *)"f",
			       .file = (char *)"a.h"};
	char fp[17];
	ck_assert_str_eq(b.v[1].fingerprint, ka_finding_fingerprint(&f, fp));
	ka_baseline_free(&b);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ci");
	TCase *tc = tcase_create("ci");
	tcase_add_test(tc, test_paths_normalise);
	tcase_add_test(tc, test_paths_maps_and_root);
	tcase_add_test(tc, test_paths_symlink_into_root);
	tcase_add_test(tc, test_paths_binary_and_primary);
	tcase_add_test(tc, test_codequality_issues);
	tcase_add_test(tc, test_sarif_limits_and_baseline);
	tcase_add_test(tc, test_baseline_one_to_one);
	tcase_add_test(tc, test_baseline_load);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
