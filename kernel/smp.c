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
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/sched.h>
#include <kiln/smp.h>
#include <kiln/spinlock.h>

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
			/* Its stack stays allocated and its slot unused: it may still wake up late.
			 */
			printk("smp: CPU %u (hw id 0x%x) did not come online within %llu ms; going "
			       "on "
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

	smp_init_ipis();

#ifndef CONFIG_SMP
	if (n > 1)
		printk("smp: %u CPUs present; SMP is off (CONFIG_SMP): the other %u stay parked\n",
		       n, n - 1);
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

/* The kernel's inter-processor interrupts: software interrupts 4 and 5 (kiln/platform.h). */
enum { IPI_RESCHEDULE = 4, IPI_CALL = 5 };

/* Each CPU's incoming calls, FIFO, under its lock; and its smp_call_others() requests. */
struct call_queue {
	struct spinlock lock;
	struct smp_call *head, *tail;
	unsigned long received;
	struct smp_call outgoing[CONFIG_NR_CPUS];
};

static struct call_queue call_queues[CONFIG_NR_CPUS];

/* Runs the calls queued for this CPU; interrupts disabled. */
static void run_calls(void)
{
	struct call_queue *q = &call_queues[this_cpu()->index];
	struct smp_call *c, *next;

	spin_lock(&q->lock);
	c = q->head;
	q->head = q->tail = NULL;
	spin_unlock(&q->lock);
	for (; c; c = next) {
		smp_call_fn fn = c->fn;
		void *arg = c->arg;

		/* After done, c may be gone: the caller owns it. */
		next = c->next;
		fn(arg);
		q->received++;
		__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	}
}

static void call_ipi(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	run_calls();
}

static void reschedule_ipi(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	this_cpu()->need_resched = true;
}

void smp_init_ipis(void)
{
	static bool registered;

	/* The numbers are global, their enables per CPU: platform_self_irq() sets up the latter. */
	unsigned int call = platform_self_irq(IPI_CALL),
		     resched = platform_self_irq(IPI_RESCHEDULE);

	if (registered)
		return;
	registered = true;
	irq_register(call, call_ipi, NULL);
	irq_register(resched, reschedule_ipi, NULL);
}

void smp_call_async(unsigned int index, struct smp_call *c, smp_call_fn fn, void *arg)
{
	struct call_queue *q = &call_queues[index];
	bool irqs;

	BUG_ON(!cpu_online(index));
	*c = (struct smp_call){.fn = fn, .arg = arg};
	irqs = spin_lock_irqsave(&q->lock);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	spin_unlock_irqrestore(&q->lock, irqs);
	platform_send_ipi(&cpus[index], platform_self_irq(IPI_CALL));
}

bool smp_call_done(const struct smp_call *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

void smp_call_wait(struct smp_call *c)
{
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	while (!smp_call_done(c)) {
		run_calls();
		arch_cpu_relax();
	}
	if (irqs)
		arch_irq_enable();
}

void smp_call_on(unsigned int index, smp_call_fn fn, void *arg)
{
	struct smp_call c;
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	if (index == this_cpu()->index) {
		fn(arg);
	} else {
		smp_call_async(index, &c, fn, arg);
		smp_call_wait(&c);
	}
	if (irqs)
		arch_irq_enable();
}

void smp_call_others(smp_call_fn fn, void *arg)
{
	bool irqs = arch_irq_enabled();
	struct smp_call *out;
	unsigned int self;

	/* Interrupts off: this CPU's outgoing requests are its own until they are done. */
	arch_irq_disable();
	self = this_cpu()->index;
	out = call_queues[self].outgoing;
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (i != self && cpu_online(i))
			smp_call_async(i, &out[i], fn, arg);
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (i != self && cpu_online(i))
			smp_call_wait(&out[i]);
	if (irqs)
		arch_irq_enable();
}

unsigned long smp_calls_received(unsigned int index)
{
	return __atomic_load_n(&call_queues[index].received, __ATOMIC_RELAXED);
}

void smp_send_reschedule(unsigned int index)
{
	platform_send_ipi(&cpus[index], platform_self_irq(IPI_RESCHEDULE));
}

static void flush_tlb(void *arg)
{
	(void)arg;
	arch_tlb_flush_all();
}

void tlb_shootdown(void)
{
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	arch_tlb_flush_all();
	smp_call_others(flush_tlb, NULL);
	if (irqs)
		arch_irq_enable();
}
