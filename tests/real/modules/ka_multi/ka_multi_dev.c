// SPDX-License-Identifier: GPL-2.0
/* The second object of ka_multi: the GPL-only use is here. */
#include <linux/device.h>

int ka_multi_dev(void);

/* Not static: the compiler must not prove it NULL and drop the calls. */
struct device *ka_multi_dev_dev;

int ka_multi_dev(void)
{
	if (ka_multi_dev_dev)
		put_device(ka_multi_dev_dev);
	return ka_multi_dev_dev != NULL;
}
