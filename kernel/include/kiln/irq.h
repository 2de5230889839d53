/* Interrupt handler registry; the number space is the platform's (x86 vector, GIC INTID). */
#ifndef KILN_IRQ_H
#define KILN_IRQ_H

#define NR_IRQS 1024
/* What platform_irq_ack() says when there was no interrupt after all. */
#define IRQ_SPURIOUS (~0u)

/* An acknowledged interrupt: its number, and the controller's token that ends it. */
struct irq_ack {
	unsigned int irq;
	unsigned int token;
};

typedef void (*irq_handler_t)(unsigned int irq, void *arg);

void irq_register(unsigned int irq, irq_handler_t fn, void *arg);
void irq_unregister(unsigned int irq);
/* Runs irq's handler; called by irq_entry() (kiln/trap.h) with interrupts disabled. */
void irq_handle(unsigned int irq);
/* Interrupts that arrived with no handler registered. */
unsigned long irq_unhandled_count(void);

#endif
