/* missing-license: a module without MODULE_LICENSE(). */
#include "ksymaudit/checks.h"

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	if (ka_module_has_license(run, m))
		return;
	if (ka_modpost_words_7_3(run, m)) {
		char name[256];
		ka_module_modpost_name(m, name, sizeof(name));
		ka_finding_add(&run->findings, ka_check_missing_license.id,
			       ka_check_missing_license.severity, m->name,
			       m->path, NULL, "%s: missing MODULE_LICENSE()", name);
		return;
	}
	ka_finding_add(&run->findings, ka_check_missing_license.id,
		       ka_check_missing_license.severity, m->name, m->path, NULL,
		       "missing MODULE_LICENSE() in %s", m->path);
}

const struct ka_check ka_check_missing_license = {
	.id = "missing-license",
	.severity = KA_SEV_ERROR,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module has no MODULE_LICENSE()",
	.description = "The module has no MODULE_LICENSE(): modpost fails the "
		"build since 5.11, and the loader taints the kernel.",
	.help = "Add MODULE_LICENSE() with the module's license.",
	.run_module = run_module,
};
