/*
 * Module names as modinfo and modprobe take them, resolved through the
 * indexes depmod writes for a release (modules.dep.bin, modules.alias.bin,
 * modules.builtin.bin) with libkmod. libkmod only answers index questions
 * here: it never opens a module file (it aborts on bad ones; our own
 * reader validates them).
 */
#include <errno.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ksymaudit/module.h"

static void quiet(void *data, int priority, const char *file, int line,
		  const char *fn, const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	(void)format; (void)args;
}

char *ka_kmod_moddir(const char *root, const char *release)
{
	const char *r = root && strcmp(root, "/") ? root : "";
	const char *dirs[] = { "lib/modules", "usr/lib/modules" };
	for (size_t i = 0; i < KA_ARRAY_SIZE(dirs); i++) {
		char *d = xasprintf("%s/%s/%s", r, dirs[i], release);
		char *idx = xasprintf("%s/modules.dep.bin", d);
		struct stat st;
		bool ok = stat(idx, &st) == 0;
		free(idx);
		if (ok)
			return d;
		free(d);
	}
	/* No index yet: the directory that exists (merged /usr: Debian 13
	 * and later unpack modules under usr/lib/modules), for the message
	 * that asks for depmod. */
	char *usr = xasprintf("%s/usr/lib/modules/%s", r, release);
	char *lib = xasprintf("%s/lib/modules/%s", r, release);
	struct stat st;
	if (stat(lib, &st) < 0 && stat(usr, &st) == 0) {
		free(lib);
		return usr;
	}
	free(usr);
	return lib;
}

/* Appends m and, when deps, what it depends on (depth first, once). */
static void add(struct kmod_module *m, bool deps, struct ka_kmod_result *out)
{
	const char *name = kmod_module_get_name(m);
	const char *path = kmod_module_get_path(m);
	if (strvec_contains(&out->names, name))
		return;
	if (!path) {
		if (kmod_module_get_initstate(m) == KMOD_MODULE_BUILTIN)
			strvec_push(&out->builtin, name);
		else
			strvec_push(&out->missing, name);
		return;
	}
	strvec_push(&out->names, name);
	strvec_push(&out->paths, path);
	if (!deps)
		return;
	struct kmod_list *l, *dl = kmod_module_get_dependencies(m);
	kmod_list_foreach(l, dl) {
		struct kmod_module *d = kmod_module_get_module(l);
		add(d, deps, out);
		kmod_module_unref(d);
	}
	kmod_module_unref_list(dl);
}

int ka_kmod_resolve(const char *moddir, const struct strvec *names, bool deps,
		    struct ka_kmod_result *out, char **why)
{
	const char *no_config[] = { NULL };
	*out = (struct ka_kmod_result){ 0 };
	char *idx = xasprintf("%s/modules.dep.bin", moddir);
	struct stat st;
	int have = stat(idx, &st);
	free(idx);
	if (have < 0) {
		/* depmod before kmod 31 reads ROOT/lib/modules only. */
		bool usr = strstr(moddir, "/usr/lib/modules/") != NULL;
		*why = xasprintf("%s has no modules.dep.bin (run depmod -b ROOT RELEASE for an unpacked tree%s)",
				 moddir, usr ? "; a depmod older than kmod 31 needs ROOT/lib first: ln -s usr/lib ROOT/lib" : "");
		return -ENOENT;
	}
	/* No modprobe.d: the host's configuration is not the release's. */
	struct kmod_ctx *ctx = kmod_new(moddir, no_config);
	if (!ctx) {
		*why = xasprintf("%s: libkmod cannot read its indexes", moddir);
		return -EIO;
	}
	kmod_set_log_fn(ctx, quiet, NULL);
	for (size_t i = 0; i < names->n; i++) {
		struct kmod_list *l, *list = NULL;
		if (kmod_module_new_from_lookup(ctx, names->v[i], &list) < 0 ||
		    !list) {
			strvec_push(&out->missing, names->v[i]);
			continue;
		}
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);
			add(m, deps, out);
			kmod_module_unref(m);
		}
		kmod_module_unref_list(list);
	}
	kmod_unref(ctx);
	return 0;
}

void ka_kmod_result_free(struct ka_kmod_result *r)
{
	strvec_free(&r->names);
	strvec_free(&r->paths);
	strvec_free(&r->builtin);
	strvec_free(&r->missing);
}
