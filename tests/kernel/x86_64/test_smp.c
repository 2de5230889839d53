/*
 * x86_64 bring-up, as each online CPU sees itself: an IPI (a test-owned
 * software interrupt sent by APIC ID through platform_send_ipi()) makes the
 * CPU it reaches record its local APIC ID, this_cpu(), its descriptor tables
 * and its local APIC set-up; the boot CPU checks them against cpus[i], and
 * that an NMI sent to it arrives.
 */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/ktest.h>
#include <kiln/platform.h>
#include <kiln/smp.h>
#include <kiln/string.h>
#include <kiln/trap.h>
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/lapic.h>

#define ANSWER_TIMEOUT_NS 1000000000ull

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static struct seen {
	unsigned int apic_id;
	struct cpu *self;
	struct desc_ptr gdtr, idtr;
	uint16_t tr;
	uint64_t cr0, cr4, efer, star, lstar, sfmask;
	uint32_t lint1, lvt_timer, timer_init;
	bool done;
} seen;

static void record(struct seen *s)
{
	s->apic_id = lapic_id();
	s->self = this_cpu();
	asm volatile("sgdt %0; sidt %1; str %2" : "=m"(s->gdtr), "=m"(s->idtr), "=r"(s->tr));
	s->cr0 = read_cr0();
	s->cr4 = read_cr4();
	s->efer = rdmsr(MSR_EFER);
	s->star = rdmsr(MSR_STAR);
	s->lstar = rdmsr(MSR_LSTAR);
	s->sfmask = rdmsr(MSR_SFMASK);
	s->lint1 = lapic_read(LAPIC_REG_LINT1);
	s->lvt_timer = lapic_read(LAPIC_REG_LVT_TIMER);
	s->timer_init = lapic_read(LAPIC_REG_TIMER_INIT);
}

static void answer(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	record(&seen);
	__atomic_store_n(&seen.done, true, __ATOMIC_RELEASE);
}

/* cpus[i]'s record, through an IPI to it; false if none came within the timeout. */
static bool ask(unsigned int irq, unsigned int i)
{
	uint64_t deadline = clock_ns() + ANSWER_TIMEOUT_NS;

	memset(&seen, 0, sizeof(seen));
	platform_send_ipi(&cpus[i], irq);
	/* Relax: under -icount the CPUs take turns, and this lets the target have its turn. */
	while (!__atomic_load_n(&seen.done, __ATOMIC_ACQUIRE)) {
		if (clock_ns() > deadline)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/* An NMI sent to cpus[i] by APIC ID arrives: its NMI path (IST stack, per-CPU pointer) works. */
static bool nmi_arrives(unsigned int i)
{
	unsigned long before = __atomic_load_n(&cpus[i].nmi_count, __ATOMIC_RELAXED);
	uint64_t deadline = clock_ns() + ANSWER_TIMEOUT_NS;

	lapic_send_nmi(cpus[i].hwid);
	while (__atomic_load_n(&cpus[i].nmi_count, __ATOMIC_RELAXED) == before) {
		if (clock_ns() > deadline)
			return false;
		arch_cpu_relax(); /* as in ask() */
	}
	return true;
}

/* Every online CPU answers an IPI as itself, set up as the boot CPU is; returns how many. */
static unsigned int check_every_cpu(struct ktest *kt)
{
	unsigned int irq = platform_self_irq(0), answered = 0;
	struct seen boot;
	bool irqs = arch_irq_enabled();

	record(&boot);
	irq_register(irq, answer, NULL);
	arch_irq_enable(); /* the boot CPU answers its own IPI too */
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++) {
		if (!cpu_online(i))
			continue;
		if (!ask(irq, i)) {
			KEXPECT_TRUE(!"CPU answers its IPI");
			continue;
		}
		answered++;
		KEXPECT_EQ(seen.apic_id, cpus[i].hwid);
		KEXPECT_EQ(seen.self, &cpus[i]);
		KEXPECT_EQ(seen.self->index, i);
		/* Its own GDT and TSS, whose IST slots are its own stacks; the shared IDT. */
		KEXPECT_EQ(seen.gdtr.base, (uintptr_t)cpus[i].arch.entry->gdt);
		KEXPECT_EQ(seen.tr, boot.tr);
		KEXPECT_EQ(cpus[i].arch.entry->tss.ist[IST_NMI - 1],
			   ist_stack_base(i, IST_NMI) + CONFIG_X86_IST_STACK_SIZE);
		KEXPECT_EQ(seen.idtr.base, boot.idtr.base);
		KEXPECT_EQ(seen.idtr.limit, boot.idtr.limit);
		/* The features the boot CPU turned on (SMEP, SMAP, SSE, NX, SYSCALL...). */
		KEXPECT_EQ(seen.cr0, boot.cr0);
		KEXPECT_EQ(seen.cr4, boot.cr4);
		KEXPECT_EQ(seen.efer, boot.efer);
		KEXPECT_EQ(seen.star, boot.star);
		KEXPECT_EQ(seen.lstar, boot.lstar);
		KEXPECT_EQ(seen.sfmask, boot.sfmask);
		/* LINT1 an unmasked NMI (QEMU's inject-nmi), the tick as the boot CPU's. */
		KEXPECT_EQ(seen.lint1, lapic_nmi_lint1());
		KEXPECT_EQ(seen.lint1 & (LAPIC_LVT_MASKED | LAPIC_LVT_DELIVERY), LAPIC_LVT_NMI);
		KEXPECT_EQ(seen.lvt_timer, boot.lvt_timer);
		KEXPECT_EQ(seen.timer_init, boot.timer_init);
		KEXPECT_TRUE(nmi_arrives(i));
	}
	if (!irqs)
		arch_irq_disable();
	irq_unregister(irq);
	return answered;
}

KTEST(x86_smp_each_cpu_is_itself)
{
	static unsigned int listed[256];
	unsigned int n = platform_cpu_list(listed, ARRAY_SIZE(listed));

	KEXPECT_EQ(check_every_cpu(kt), smp_cpus_online());
#ifdef CONFIG_SMP
	/* Every CPU the firmware lists came up, as far as NR_CPUS goes. */
	KEXPECT_EQ(smp_cpus_online(), MIN(n, (unsigned int)CONFIG_NR_CPUS));
#else
	(void)n;
	KEXPECT_EQ(smp_cpus_online(), 1);
#endif
}

/* Timer interrupts taken by each CPU while the probe is set. */
static unsigned long ticks_on[CONFIG_NR_CPUS];
static unsigned int timer_vector;

static void count_ticks(struct trap_frame *tf, struct cpu *cpu)
{
	if (tf->vector == timer_vector)
		__atomic_fetch_add(&ticks_on[cpu->index], 1, __ATOMIC_RELAXED);
}

/* Each online CPU takes its own periodic tick, in the ten ticks' time the boot CPU waits. */
KTEST(x86_smp_each_cpu_ticks)
{
	uint64_t end = clock_ns() + 10 * NS_PER_TICK;
	bool irqs = arch_irq_enabled();

	memset(ticks_on, 0, sizeof(ticks_on));
	timer_vector = lapic_read(LAPIC_REG_LVT_TIMER) & 0xff;
	trap_probe = count_ticks;
	arch_irq_enable();
	while (clock_ns() < end)
		arch_cpu_relax();
	if (!irqs)
		arch_irq_disable();
	trap_probe = NULL;
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (cpu_online(i))
			KEXPECT_GE(ticks_on[i], 2);
}

static bool is_listed(const unsigned int *listed, unsigned int n, unsigned int id)
{
	for (unsigned int i = 0; i < n; i++)
		if (listed[i] == id)
			return true;
	return false;
}

/*
 * A CPU that never answers: platform_cpu_start() to an APIC ID the firmware
 * does not list gives up, says so, and the CPUs that are up still answer.
 */
KTEST(x86_smp_start_of_absent_cpu_times_out)
{
	static unsigned int listed[256];
	static struct cpu ghost;
	unsigned int n = platform_cpu_list(listed, ARRAY_SIZE(listed)), id = 0, before;
	uintptr_t stack = kstack_alloc();
	uint64_t start;

	KASSERT_NE(stack, 0);
	while (is_listed(listed, MIN(n, ARRAY_SIZE(listed)), id))
		id++;
	KASSERT_LT(id, 255);
	before = smp_cpus_online();
	ghost = (struct cpu){.index = CONFIG_NR_CPUS, .hwid = id};
	start = clock_ns();
	KEXPECT_FALSE(platform_cpu_start(&ghost, stack + KSTACK_SIZE));
	/* At least the SDM's 10 ms between INIT and the first start-up IPI. */
	KEXPECT_GE(clock_ns() - start, 10000000);
	kstack_free(stack);
	KEXPECT_EQ(smp_cpus_online(), before);
	KEXPECT_EQ(check_every_cpu(kt), before);
}
