/*
 * Sites of module findings: where in a module's code each symbol of a
 * finding is referenced, with function, source line and inline chain.
 */
#pragma once

#include "ksymaudit/run.h"

/*
 * Fills sites[] of every finding marked attribute (gpl-only-use,
 * gpl-only-import) from its module's relocations and DWARF, and sets the
 * finding's file:line to the first site's place in the module's own code.
 * Debug info is read only for modules that have such findings. Modules are
 * read on run->threads threads (0: one per CPU), one module per thread; the
 * result does not depend on the count. Problems go to run->diags (never
 * fatal, in module order). Returns 0 or a negative errno.
 */
int ka_sites_attribute(struct ka_run *run);
