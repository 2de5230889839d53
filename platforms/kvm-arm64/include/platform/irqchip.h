/* The GIC, v2 or v3, chosen from the device tree. */
#ifndef PLATFORM_IRQCHIP_H
#define PLATFORM_IRQCHIP_H

#include <kiln/fdt.h>

#define GIC_PPI_BASE 16
#define GIC_SPI_BASE 32

struct irqchip_ops {
	const char *name;
	int version;
	/* Returns 0, or a negative value when the node does not describe a usable GIC. */
	int (*init)(const struct fdt *fdt, int node);
	void (*enable)(unsigned int intid);
	/* Acknowledge: the raw IAR value, INTID in the low 10 bits; eoi() takes it back. */
	unsigned int (*ack)(void);
	void (*eoi)(unsigned int iar);
	void (*send_sgi_self)(unsigned int intid);
};

extern const struct irqchip_ops gicv2_ops, gicv3_ops;

void irqchip_init(const struct fdt *fdt);
void irqchip_enable(unsigned int intid);
int irqchip_version(void);

#define GIC_INTID_MASK 0x3ff
/* INTIDs >= this are spurious (1020-1023). */
#define GIC_INTID_SPURIOUS 1020

#endif
