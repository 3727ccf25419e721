// SPDX-License-Identifier: GPL-2.0
/* A GPL module using dma_buf_put() (namespace DMA_BUF) without importing it. */
#include <linux/module.h>
#include <linux/dma-buf.h>

/* Not static: the compiler must not prove it NULL and drop the calls. */
struct dma_buf *ka_ns_missing_buf;

static int __init ka_init(void)
{
	if (ka_ns_missing_buf)
		dma_buf_put(ka_ns_missing_buf);
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("GPL v2");
