/* GIC front end: pick the driver matching the device tree, acknowledge and end IRQs. */
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
		return;
	}
	panic("irqchip: no supported GIC in the device tree");
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

/* SGIs 1-4: SGI 0 is left for the scheduler's future cross-CPU kicks. */
unsigned int platform_self_irq(unsigned int n)
{
	unsigned int intid = 1 + n;

	chip->enable(intid);
	return intid;
}

void platform_send_self_irq(unsigned int irq)
{
	chip->send_sgi_self(irq);
}
