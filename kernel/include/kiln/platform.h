/* Hooks every platform implements. */
#ifndef KILN_PLATFORM_H
#define KILN_PLATFORM_H

#include <kiln/compiler.h>
#include <kiln/irq.h>
#include <kiln/types.h>

struct boot_info;

/* Console ready for printk: the first thing the arch boot code calls. */
void platform_console_init(void);

/* Memory map and command line from the boot protocol (PVH start_info, DTB...). */
struct boot_info *platform_boot_info(paddr_t boot_param);

/* Interrupt controllers and timers, once the kernel page tables are live. */
void platform_init(void);

/* Cycle-counter frequency in Hz, measured once against a fixed-rate timer. */
uint64_t platform_cycles_per_sec(void);

/*
 * Taking an interrupt, for irq_entry(): acknowledge the interrupt this CPU
 * took at its controller and say which it is (hw: what the arch knows of
 * it, the x86_64 vector or 0); after its handler, end it. A spurious one
 * (IRQ_SPURIOUS) is not ended.
 */
struct irq_ack platform_irq_ack(unsigned int hw);
void platform_irq_eoi(struct irq_ack ack);

/*
 * Self-interrupts, for tests and benchmarks of the IRQ path: the n-th (0-3)
 * interrupt number this CPU can raise on itself, unmasked and ready (x86_64:
 * an IDT vector sent by self-IPI; arm64: a GIC SGI), and the call that
 * raises it.
 */
unsigned int platform_self_irq(unsigned int n);
void platform_send_self_irq(unsigned int irq);

/* Powers off or leaves the emulator; pass selects the success or failure exit status. */
__noreturn void platform_exit(bool pass);

#endif
