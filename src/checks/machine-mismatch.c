/* machine-mismatch: a module built for another machine than the vmlinux. */
#include "ksymaudit/checks.h"
#include "ksymaudit/elffile.h"

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	if (!run->have_kernel_machine || m->machine == run->kernel_machine)
		return;
	ka_finding_add(&run->findings, ka_check_machine_mismatch.id,
		       ka_check_machine_mismatch.severity, m->name, m->path, NULL,
		       "module is for %s but the kernel image %s is for %s",
		       ka_elf_machine_name(m->machine), run->kernel_image,
		       ka_elf_machine_name(run->kernel_machine));
}

const struct ka_check ka_check_machine_mismatch = {
	.id = "machine-mismatch",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_MODULE,
	.summary = "a module's ELF machine, word size or byte order differs from the kernel image's",
	.description = "The module's ELF machine, word size or byte order differs "
		"from the kernel image it is checked against: the loader "
		"would refuse it.",
	.help = "Check the module against the kernel it was built for.",
	.run_module = run_module,
};
