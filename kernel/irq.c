/* Interrupt handler registry. */
#include <kiln/irq.h>
#include <kiln/panic.h>
#include <kiln/printk.h>

struct irq_action {
	irq_handler_t fn;
	void *arg;
};

static struct irq_action actions[NR_IRQS];
static unsigned long unhandled;

void irq_register(unsigned int irq, irq_handler_t fn, void *arg)
{
	BUG_ON(irq >= NR_IRQS);
	if (actions[irq].fn)
		panic("irq %u registered twice", irq);
	actions[irq] = (struct irq_action){fn, arg};
}

void irq_unregister(unsigned int irq)
{
	BUG_ON(irq >= NR_IRQS);
	actions[irq] = (struct irq_action){0};
}

void irq_handle(unsigned int irq)
{
	if (irq < NR_IRQS && actions[irq].fn) {
		actions[irq].fn(irq, actions[irq].arg);
		return;
	}
	unhandled++;
	printk("irq: unexpected interrupt %u\n", irq);
}

unsigned long irq_unhandled_count(void)
{
	return unhandled;
}
