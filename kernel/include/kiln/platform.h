/* Hooks every platform implements. */
#ifndef KILN_PLATFORM_H
#define KILN_PLATFORM_H

#include <kiln/compiler.h>
#include <kiln/irq.h>
#include <kiln/types.h>

struct boot_info;
struct cpu;

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
 * Software interrupts: the n-th (n < PLATFORM_SOFT_IRQS) interrupt number a
 * CPU can raise on itself (platform_send_self_irq()) or another CPU
 * (platform_send_ipi()), unmasked and ready on every online CPU (x86_64: an
 * IDT vector sent through the local APIC; arm64: a GIC SGI). Tests and
 * benchmarks of the IRQ path own 0-3; the kernel's IPIs (kernel/smp.c)
 * the rest.
 */
#define PLATFORM_SOFT_IRQS 8
unsigned int platform_self_irq(unsigned int n);
void platform_send_self_irq(unsigned int irq);

/*
 * SMP (kiln/smp.h). The hardware ids (cpu->hwid: local APIC ID, MPIDR
 * affinity) of the usable CPUs the firmware lists (ACPI MADT, DTB /cpus),
 * the boot CPU among them, in the firmware's order: at most max are
 * written, the count of all is returned. A malformed table is reported
 * and yields the boot CPU alone.
 */
unsigned int platform_cpu_list(unsigned int *hwids, unsigned int max);
/*
 * Start the parked CPU cpu->hwid so that it runs arch_secondary_start(cpu)
 * on the stack ending at stack_top. False, with the reason printed, when
 * the start could not be sent; the caller then waits (bounded) for the CPU
 * to come online.
 */
bool platform_cpu_start(struct cpu *cpu, uintptr_t stack_top);
/* On a starting secondary CPU, interrupts disabled: its interrupt controller interface and timer.
 */
void platform_cpu_init(void);
/*
 * Raise one of platform_self_irq()'s interrupts on another online CPU (or
 * this one): the inter-processor interrupt.
 */
void platform_send_ipi(const struct cpu *target, unsigned int irq);

/* Powers off or leaves the emulator; pass selects the success or failure exit status. */
__noreturn void platform_exit(bool pass);

#endif
