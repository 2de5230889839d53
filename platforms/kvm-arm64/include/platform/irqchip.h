/* The GIC, v2 or v3, chosen from the device tree. */
#ifndef PLATFORM_IRQCHIP_H
#define PLATFORM_IRQCHIP_H

#include <kiln/fdt.h>

#define GIC_PPI_BASE 16
#define GIC_SPI_BASE 32

struct cpu;

/*
 * A driver. SGIs and PPIs (INTID < GIC_SPI_BASE) are each CPU's own: enable()
 * of one affects the calling CPU only, which must have run cpu_init().
 */
struct irqchip_ops {
	const char *name;
	int version;
	/* The shared part (distributor): 0, or negative when the node does not describe a usable
	 * GIC. */
	int (*init)(const struct fdt *fdt, int node);
	/* This CPU's interface (GICv3: and redistributor), on each CPU, after init(). */
	void (*cpu_init)(void);
	void (*enable)(unsigned int intid);
	/* Acknowledge: the raw IAR value, INTID in the low 10 bits; eoi() takes it back. */
	unsigned int (*ack)(void);
	void (*eoi)(unsigned int iar);
	/* Raise SGI intid on target, an online CPU (this one included). */
	void (*send_sgi)(const struct cpu *target, unsigned int intid);
};

extern const struct irqchip_ops gicv2_ops, gicv3_ops;

/* The GIC the device tree describes, and the boot CPU's interface. */
void irqchip_init(const struct fdt *fdt);
/* This CPU's interface, the software interrupts (SGIs) unmasked. */
void irqchip_cpu_init(void);
void irqchip_enable(unsigned int intid);
int irqchip_version(void);

#define GIC_INTID_MASK 0x3ff
/* INTIDs >= this are spurious (1020-1023). */
#define GIC_INTID_SPURIOUS 1020

#endif
