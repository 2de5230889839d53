/* GIC front end: pick the driver matching the device tree, acknowledge and end IRQs, send SGIs. */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <platform/irqchip.h>

static const struct {
	const char *compatible;
	const struct irqchip_ops *ops;
} drivers[] = {
	{"arm,gic-v3", &gicv3_ops},
	{"arm,cortex-a15-gic", &gicv2_ops},
	{"arm,gic-400", &gicv2_ops},
};

static const struct irqchip_ops *chip;

void irqchip_init(const struct fdt *fdt)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
		int node = fdt_find_compatible(fdt, -1, drivers[i].compatible);
		if (node < 0)
			continue;
		if (drivers[i].ops->init(fdt, node))
			panic("%s: device tree node for %s is unusable", drivers[i].ops->name,
			      drivers[i].compatible);
		chip = drivers[i].ops;
		printk("irqchip: %s (%s)\n", chip->name, drivers[i].compatible);
		irqchip_cpu_init();
		return;
	}
	panic("irqchip: no supported GIC in the device tree");
}

/*
 * Software interrupt n is SGI n: tests own SGIs 0-3, the kernel's IPIs 4-7
 * (kiln/platform.h); 8-15 are unused. SGIs are per CPU: each CPU unmasks
 * them all here, so that any of them can be sent to any online CPU.
 */
void irqchip_cpu_init(void)
{
	chip->cpu_init();
	for (unsigned int n = 0; n < PLATFORM_SOFT_IRQS; n++)
		chip->enable(platform_self_irq(n));
}

/* The IAR value is the token: EOI takes it back whole (GICv2 SGIs carry the sender in it). */
struct irq_ack platform_irq_ack(unsigned int hw)
{
	unsigned int iar = chip->ack();
	unsigned int intid = iar & GIC_INTID_MASK;

	(void)hw;
	return (struct irq_ack){intid < GIC_INTID_SPURIOUS ? intid : IRQ_SPURIOUS, iar};
}

void platform_irq_eoi(struct irq_ack ack)
{
	chip->eoi(ack.token);
}

void irqchip_enable(unsigned int intid)
{
	chip->enable(intid);
}

int irqchip_version(void)
{
	return chip ? chip->version : 0;
}

unsigned int platform_self_irq(unsigned int n)
{
	if (n >= PLATFORM_SOFT_IRQS)
		panic("irqchip: software interrupt %u of %d", n, PLATFORM_SOFT_IRQS);
	return n;
}

/* The sender's stores before the SGI are visible to the target's handler. */
void platform_send_ipi(const struct cpu *target, unsigned int irq)
{
	asm volatile("dsb ishst" : : : "memory");
	chip->send_sgi(target, irq);
}

void platform_send_self_irq(unsigned int irq)
{
	bool irqs = arch_irq_enabled();

	/* No migration between finding this CPU and raising the SGI on it. */
	arch_irq_disable();
	platform_send_ipi(this_cpu(), irq);
	if (irqs)
		arch_irq_enable();
}
