/* Interrupt handler registry; the number space is the platform's (x86 vector, GIC INTID). */
#ifndef KILN_IRQ_H
#define KILN_IRQ_H

#define NR_IRQS 1024

typedef void (*irq_handler_t)(unsigned int irq, void *arg);

void irq_register(unsigned int irq, irq_handler_t fn, void *arg);
void irq_unregister(unsigned int irq);
/* Called by arch trap code with interrupts disabled. */
void irq_handle(unsigned int irq);
/* Interrupts that arrived with no handler registered. */
unsigned long irq_unhandled_count(void);

#endif
