/*
 * Secondary CPU bring-up and inter-processor calls (kiln/smp.h).
 *
 * SMP-safety: cpus[i] is written by the boot CPU before it starts CPU i
 * and by CPU i itself after; `online` is published with a release store
 * once CPU i's scheduler is ready. Each CPU's call queue has its own lock.
 */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/sched.h>
#include <kiln/smp.h>

/* How long a started CPU has to come online: generous, for 64 TCG CPUs on a busy host. */
#define START_TIMEOUT_NS (5 * 1000000000ull)
/* Firmware tables may list more CPUs than NR_CPUS; these many are looked at. */
#define LISTED_MAX 256u

static bool online[CONFIG_NR_CPUS] = {true};
static unsigned int nr_online = 1;

unsigned int smp_cpus_online(void)
{
	return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
}

bool cpu_online(unsigned int index)
{
	return index < CONFIG_NR_CPUS && __atomic_load_n(&online[index], __ATOMIC_ACQUIRE);
}

/* Starts cpu and waits for it; false (reported) if it did not come up. */
static bool start_cpu(struct cpu *cpu)
{
	uintptr_t stack = kstack_alloc();
	uint64_t deadline;

	if (!stack) {
		printk("smp: no memory for CPU %u's boot stack\n", cpu->index);
		return false;
	}
	cpu->boot_stack_base = stack;
	if (!platform_cpu_start(cpu, stack + KSTACK_SIZE))
		return false;
	deadline = clock_ns() + START_TIMEOUT_NS;
	while (!cpu_online(cpu->index)) {
		if (clock_ns() > deadline) {
			/* Its stack stays allocated and its slot unused: it may still wake up late. */
			printk("smp: CPU %u (hw id %#x) did not come online within %llu ms; going on "
			       "without it\n",
			       cpu->index, cpu->hwid, START_TIMEOUT_NS / 1000000);
			return false;
		}
		arch_cpu_relax();
	}
	return true;
}

void smp_boot(void)
{
	static unsigned int listed[LISTED_MAX];
	unsigned int n = platform_cpu_list(listed, LISTED_MAX), seen = MIN(n, LISTED_MAX);
	unsigned int next = 1, parked = 0, failed = 0;

#ifndef CONFIG_SMP
	if (n > 1)
		printk("smp: %u CPUs present; SMP is off (CONFIG_SMP): the other %u stay parked\n", n,
		       n - 1);
	return;
#endif
	for (unsigned int i = 0; i < seen; i++) {
		if (listed[i] == cpus[0].hwid)
			continue;
		if (next == CONFIG_NR_CPUS) {
			parked++;
			continue;
		}
		cpus[next].index = next;
		cpus[next].hwid = listed[i];
		if (!start_cpu(&cpus[next]))
			failed++;
		next++;
	}
	parked += n - seen;
	printk("smp: %u of %u CPUs online", smp_cpus_online(), n);
	if (failed)
		printk(", %u failed to start", failed);
	if (parked)
		printk(", %u left parked (CONFIG_NR_CPUS=%d)", parked, CONFIG_NR_CPUS);
	printk("\n");
}

__noreturn void smp_secondary_main(struct cpu *cpu)
{
	sched_init_secondary(cpu);
	__atomic_fetch_add(&nr_online, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&online[cpu->index], true, __ATOMIC_RELEASE);
	sched_idle();
}
