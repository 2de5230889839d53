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

/*
 * Cross-CPU function calls. fn(arg) runs on the target CPU in interrupt
 * context (interrupts disabled, a short handler's budget). A caller that
 * waits keeps running the calls sent to its own CPU meanwhile, so two CPUs
 * calling each other with interrupts disabled do not deadlock; but it must
 * hold no spinlock that another CPU may spin on with interrupts disabled.
 */
typedef void (*smp_call_fn)(void *arg);

/* A request: the caller's storage, which must stay valid until smp_call_done(). */
struct smp_call {
	smp_call_fn fn;
	void *arg;
	struct smp_call *next;
	bool done;
};

/* Queue c on CPU index (online) and interrupt it; returns at once. */
void smp_call_async(unsigned int index, struct smp_call *c, smp_call_fn fn, void *arg);
bool smp_call_done(const struct smp_call *c);
/* Wait for c, running this CPU's own incoming calls meanwhile. */
void smp_call_wait(struct smp_call *c);
/* fn(arg) on CPU index and wait for it; on this CPU it is a plain call with interrupts off. */
void smp_call_on(unsigned int index, smp_call_fn fn, void *arg);
/* fn(arg) on every other online CPU, concurrently, and wait for all. */
void smp_call_others(smp_call_fn fn, void *arg);
/* Calls this CPU has run since boot (tests count them against what was sent). */
unsigned long smp_calls_received(unsigned int index);

/* Ask CPU index to reschedule (it picks the best runnable thread on its way out of the IPI). */
void smp_send_reschedule(unsigned int index);

/*
 * TLB shootdown: flush the TLB of this CPU and of every other online CPU
 * (arch_tlb_flush_all() there), after page-table changes that others may
 * have cached. Returns once all have flushed.
 */
void tlb_shootdown(void);

/* The IPI handlers, registered once by smp_boot(). */
void smp_init_ipis(void);

#endif
