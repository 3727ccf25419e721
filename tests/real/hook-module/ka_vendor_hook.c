// SPDX-License-Identifier: GPL-2.0
/*
 * A proprietary module using one plain export (msleep): the hook test makes
 * msleep GPL-only in a pretend NEW kernel's Module.symvers.
 */
#include <linux/module.h>
#include <linux/delay.h>

static int __init ka_init(void)
{
	msleep(1);
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Proprietary");
