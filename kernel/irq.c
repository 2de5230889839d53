/*
 * Interrupt handler registry. SMP: (un)registration is rare and serialised
 * by a lock; irq_handle() reads an entry without it, so an entry is
 * published whole (the handler's argument before its function).
 */
#include <kiln/irq.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/spinlock.h>

struct irq_action {
	irq_handler_t fn;
	void *arg;
};

static struct irq_action actions[NR_IRQS];
static unsigned long unhandled;
static struct spinlock lock;

void irq_register(unsigned int irq, irq_handler_t fn, void *arg)
{
	bool irqs;

	BUG_ON(irq >= NR_IRQS);
	irqs = spin_lock_irqsave(&lock);
	if (actions[irq].fn) {
		spin_unlock_irqrestore(&lock, irqs);
		panic("irq %u registered twice", irq);
	}
	actions[irq].arg = arg;
	__atomic_store_n(&actions[irq].fn, fn, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&lock, irqs);
}

/* The handler may still be running on another CPU when this returns. */
void irq_unregister(unsigned int irq)
{
	bool irqs;

	BUG_ON(irq >= NR_IRQS);
	irqs = spin_lock_irqsave(&lock);
	__atomic_store_n(&actions[irq].fn, NULL, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&lock, irqs);
}

void irq_handle(unsigned int irq)
{
	irq_handler_t fn =
		irq < NR_IRQS ? __atomic_load_n(&actions[irq].fn, __ATOMIC_ACQUIRE) : NULL;

	if (fn) {
		fn(irq, actions[irq].arg);
		return;
	}
	__atomic_fetch_add(&unhandled, 1, __ATOMIC_RELAXED);
	printk("irq: unexpected interrupt %u\n", irq);
}

unsigned long irq_unhandled_count(void)
{
	return unhandled;
}
