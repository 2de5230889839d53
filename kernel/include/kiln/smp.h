/*
 * Multiprocessor bring-up and inter-processor calls.
 *
 * The boot CPU is cpus[0]. smp_boot() starts every other CPU the platform
 * lists, up to CONFIG_NR_CPUS, one at a time: cpus[i] gets the next index,
 * the CPU's hardware id and a boot stack, and the platform starts it. The
 * new CPU sets itself up (arch_secondary_start(): descriptor tables or
 * vectors, MMU, percpu_install(); platform_cpu_init(): its interrupt
 * controller interface and timer) and ends in smp_secondary_main(), which
 * marks it online and makes its boot context its idle thread.
 */
#ifndef KILN_SMP_H
#define KILN_SMP_H

#include <generated/autoconf.h>
#include <kiln/compiler.h>
#include <kiln/types.h>

struct cpu;

/* CPUs online (cpus[0..n)), and whether cpus[index] runs the scheduler. */
unsigned int smp_cpus_online(void);
bool cpu_online(unsigned int index);

/* On the boot CPU, once interrupts and timers work: start the others. */
void smp_boot(void);

/*
 * The generic half of a secondary CPU's start, on its boot stack, with
 * this_cpu() valid, its interrupt controller and timer set up and
 * interrupts disabled. Never returns: the CPU becomes schedulable.
 */
__noreturn void smp_secondary_main(struct cpu *cpu);

#endif
