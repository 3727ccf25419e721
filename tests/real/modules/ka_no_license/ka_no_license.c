// SPDX-License-Identifier: GPL-2.0
/* A module without MODULE_LICENSE() that also uses a GPL-only export. */
#include <linux/module.h>
#include <linux/rcupdate.h>

static int __init ka_init(void)
{
	synchronize_rcu();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
