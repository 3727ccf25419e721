// SPDX-License-Identifier: GPL-2.0
/*
 * A Proprietary module using GPL-only namespaced exports, importing one
 * namespace (DMA_BUF) and forgetting the other (EFIVAR).
 */
#include <linux/module.h>
#include <linux/dma-buf.h>
#include <linux/efi.h>

/* Not static: the compiler must not prove it NULL and drop the calls. */
struct dma_buf *ka_prop_ns_buf;

static int __init ka_init(void)
{
	if (ka_prop_ns_buf)
		dma_buf_put(ka_prop_ns_buf);
	if (!efivar_lock())
		efivar_unlock();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Proprietary");
MODULE_IMPORT_NS(DMA_BUF);
