/* machine-mismatch: a module built for another machine than the vmlinux. */
#include <stdlib.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/elffile.h"

/* "AMD x86-64, 64-bit little-endian" (what is known of it). */
static char *identity(unsigned machine, unsigned char cls, unsigned char data)
{
	const char *bits = cls == ELFCLASS32 ? "32-bit" :
			   cls == ELFCLASS64 ? "64-bit" : NULL;
	const char *order = data == ELFDATA2MSB ? "big-endian" :
			    data == ELFDATA2LSB ? "little-endian" : NULL;

	if (!bits && !order)
		return xstrdup(ka_elf_machine_name(machine));
	return xasprintf("%s, %s%s%s", ka_elf_machine_name(machine),
			 bits ? bits : "", bits && order ? " " : "",
			 order ? order : "");
}

static void run_module(struct ka_run *run, const struct ka_module *m)
{
	char *mod, *kern;
	/* A test or caller that knows only the machine: word size and byte
	   order are compared when both sides have them. */
	bool cls = m->elfclass && run->kernel_elfclass &&
		   m->elfclass != run->kernel_elfclass;
	bool order = m->byteorder && run->kernel_byteorder &&
		     m->byteorder != run->kernel_byteorder;

	if (!run->have_kernel_machine ||
	    (m->machine == run->kernel_machine && !cls && !order))
		return;
	mod = identity(m->machine, m->elfclass, m->byteorder);
	kern = identity(run->kernel_machine, run->kernel_elfclass,
			run->kernel_byteorder);
	ka_finding_add(&run->findings, ka_check_machine_mismatch.id,
		       ka_check_machine_mismatch.severity, m->name, m->path, NULL,
		       "module is for %s but the kernel image %s is for %s",
		       mod, run->kernel_image, kern);
	free(mod);
	free(kern);
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
