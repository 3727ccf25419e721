/* Module operands: paths as they are, plain words as module names (libkmod). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "ksymaudit/side.h"

void ka_module_operands(struct ka_run *run, char *const *args, size_t n,
			const char *root, const char *release,
			struct strvec *out)
{
	struct strvec names = { 0 };
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		/* A path names a file; a plain word that is no file a module. */
		if (strchr(args[i], '/') || stat(args[i], &st) == 0 ||
		    ka_module_file_name(args[i]) || str_ends(args[i], ".o"))
			strvec_push(out, args[i]);
		else
			strvec_push(&names, args[i]);
	}
	if (!names.n)
		return;
	struct utsname u;
	if (!release)
		release = uname(&u) == 0 ? u.release : "";
	char *moddir = ka_kmod_moddir(root, release), *why = NULL;
	struct ka_kmod_result res;
	if (ka_kmod_resolve(moddir, &names, true, &res, &why) < 0) {
		ka_diag_add(&run->diags, true, NULL, 0,
			    "cannot look up module names: %s", why);
		free(why);
	} else {
		for (size_t i = 0; i < res.paths.n; i++)
			strvec_push(out, res.paths.v[i]);
		for (size_t i = 0; i < res.builtin.n; i++)
			ka_diag_add(&run->diags, false, NULL, 0,
				    "%s is built into %s: nothing to check",
				    res.builtin.v[i], release);
		for (size_t i = 0; i < res.missing.n; i++)
			ka_diag_add(&run->diags, true, moddir, 0,
				    "no module or alias '%s' in the indexes",
				    res.missing.v[i]);
		ka_kmod_result_free(&res);
	}
	free(moddir);
	strvec_free(&names);
}
