/*
 * arm64 user mode: page descriptors, PAN and PXN, the user programs of
 * tests/user/arm64 (registers, the area below sp, a tiny stack, faults),
 * where entries from EL0 land, and a kernel stack overflow in a system call.
 */
#include <generated/hw.h>
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/extable.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/ktest.h>
#include <kiln/platform.h>
#include <kiln/probe.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/smp.h>
#include <kiln/string.h>
#include "../../user/arm64/a64.h"
#include "../domain_util.h"
#include "../stack_eater.h"
#include <kiln/trap.h>
#include "../which_stack.h"
#include "esr.h" /* arch-private: ccflags-y in Kbuild */
#include "../user_run.h"

/* A system call's frame (ESR_EL1 is only meaningful in a synchronous exception's). */
static bool is_svc(const struct trap_frame *tf)
{
	return tf->kind == TRAP_EL0_64_SYNC && ESR_EC(tf->esr) == ESR_EC_SVC64;
}

KTEST(arm64_user_page_descriptors)
{
	pte_t data = pte_leaf(0x1000, 0, PROT_READ | PROT_WRITE | PROT_USER);
	pte_t text = pte_leaf(0x1000, 0, PROT_READ | PROT_EXEC | PROT_USER);
	pte_t kdata = pte_leaf(0x1000, 0, PROT_READ | PROT_WRITE);
	pte_t ktext = pte_leaf(0x1000, 0, PROT_READ | PROT_EXEC);

	/* User pages: EL0 access, not global, never executable at EL1. */
	KEXPECT_EQ(data & (PTE_AP_EL0 | PTE_NG | PTE_PXN | PTE_UXN | PTE_AP_RO),
		   PTE_AP_EL0 | PTE_NG | PTE_PXN | PTE_UXN);
	KEXPECT_EQ(text & (PTE_AP_EL0 | PTE_NG | PTE_PXN | PTE_UXN | PTE_AP_RO),
		   PTE_AP_EL0 | PTE_NG | PTE_PXN | PTE_AP_RO);
	/* Kernel pages: no EL0 access, global, never executable at EL0. */
	KEXPECT_EQ(kdata & (PTE_AP_EL0 | PTE_NG | PTE_PXN | PTE_UXN), PTE_PXN | PTE_UXN);
	KEXPECT_EQ(ktext & (PTE_AP_EL0 | PTE_NG | PTE_PXN | PTE_UXN), PTE_UXN);
}

static bool pan_set(void)
{
	uint64_t v;

	asm volatile(".arch_extension pan\n\tmrs %0, pan" : "=r"(v));
	return v & PSR_PAN;
}

static void note_pan(void *arg)
{
	*(bool *)arg = pan_set();
}

/*
 * PAN is on exactly when the CPU has it, and stays on in every kernel
 * context: across a switch away and back, and in a new thread.
 */
KTEST(ctx_switch_keeps_pan)
{
	bool has_pan = (read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf, in_new = false;
	struct thread *t;

	KEXPECT_EQ(arm64_pan, has_pan);
	if (!has_pan)
		return;
	KEXPECT_TRUE(pan_set());
	t = thread_create("pan", note_pan, &in_new, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(t != NULL);
	thread_join(t);
	KEXPECT_TRUE(in_new);
	KEXPECT_TRUE(pan_set());
}

/* The caller in a domain with one page at USER_VA_START holding 0x5a. */
static bool user_page_setup(struct test_domain *td, unsigned int prot)
{
	if (!test_domain_enter(td, USER_VA_START, prot))
		return false;
	*(uint8_t *)mem_partition_kaddr(&td->part, USER_VA_START) = 0x5a;
	return true;
}

/* With PAN, the kernel reaches user memory only inside the access bracket. */
KTEST(arm64_pan_guards_user_memory)
{
	struct trap_record *r = &this_cpu()->last_fixup;
	struct test_domain td;
	uint8_t plain = 0, bracketed = 0;
	bool plain_ok, bracketed_ok;

	KASSERT_TRUE(user_page_setup(&td, PROT_READ | PROT_WRITE));
	arch_irq_disable();
	memset(r, 0, sizeof(*r));
	plain_ok = probe_read8(USER_VA_START, &plain);
	arch_user_access_begin();
	bracketed_ok = probe_read8(USER_VA_START, &bracketed);
	arch_user_access_end();
	arch_irq_enable();
	test_domain_leave(&td);

	KEXPECT_TRUE(bracketed_ok);
	KEXPECT_EQ(bracketed, 0x5a);
	KEXPECT_EQ(plain_ok, !arm64_pan);
	if (arm64_pan) {
		KEXPECT_EQ(r->vector, ESR_EC_DABT_CUR);
		KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
		KEXPECT_EQ(r->fault_addr, USER_VA_START);
	} else {
		KEXPECT_EQ(plain, 0x5a);
	}
}

static unsigned long entries_from_user, entries_without_pan;

static void note_pan_at_entry(struct trap_frame *tf, struct cpu *cpu)
{
	(void)cpu;
	if (!arch_frame_from_user(tf))
		return;
	entries_from_user++;
	entries_without_pan += !arm64_pan || !pan_set(); /* mrs of PAN is undefined without it */
}

/* Every entry from user mode turns PAN on (SCTLR_EL1.SPAN = 0): user mode runs without it. */
KTEST(arm64_pan_is_on_at_entry_from_user)
{
	entries_from_user = entries_without_pan = 0;
	trap_probe = note_pan_at_entry;
	KEXPECT_EQ(run("a64", A64_SYSCALL_ONCE), 0);
	trap_probe = NULL;
	KEXPECT_GE(entries_from_user, 2); /* the call, exit */
	KEXPECT_EQ(entries_without_pan, arm64_pan ? 0 : entries_from_user);
}

/* A jump to USER_VA_START faults (PXN) and resumes here, at the return address. */
void user_page_call_resume(void);
#define STR_(x) #x
#define STR(x)	STR_(x)
asm(".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " STR(
	USER_VA_START) ", user_page_call_resume\n\t.popsection\n\t.text\nuser_page_call_resume: "
		       "ret\n");

KTEST(arm64_kernel_cannot_execute_user_pages)
{
	struct trap_record *r = &this_cpu()->last_fixup;
	struct test_domain td;

	KASSERT_TRUE(user_page_setup(&td, PROT_READ | PROT_EXEC));
	arch_irq_disable();
	/* The page holds 0x5a...: whatever it decodes to, it must not run. */
	memset(r, 0, sizeof(*r));
	((void (*)(void))(uintptr_t)USER_VA_START)();
	arch_irq_enable();
	test_domain_leave(&td);

	KEXPECT_EQ(r->vector, ESR_EC_IABT_CUR);
	KEXPECT_EQ(r->pc, USER_VA_START);
	KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
	KEXPECT_TRUE(r->fault_exec);
}

KTEST(arm64_user_registers_survive_syscalls)
{
	KEXPECT_EQ(run("a64", A64_SYSCALLS | 1 << 8), 0);
	KEXPECT_EQ(run("a64", A64_SYSCALLS | 2 << 8), 0);
}

/*
 * What the probe saw of entries from user mode while a test ran: per pid,
 * the IRQ entries, and the thread's preemptions by then.
 */
#define PROBE_PIDS 8
static struct {
	unsigned long irqs[PROBE_PIDS], preempted[PROBE_PIDS];
} seen;

static void count_user_irqs(struct trap_frame *tf, struct cpu *cpu)
{
	struct process *p = cpu->current->process;

	if (tf->kind != TRAP_EL0_64_IRQ || !p)
		return;
	seen.irqs[p->pid % PROBE_PIDS]++;
	seen.preempted[p->pid % PROBE_PIDS] = cpu->current->preemptions;
}

static volatile bool counter_stop;
static volatile unsigned long counter;

static void count_until_stopped(void *arg)
{
	(void)arg;
	while (!counter_stop)
		counter++;
}

/*
 * Two user programs (different register patterns, FP/SIMD included) and a
 * kernel thread interleave under preemption; each program checks its own
 * registers after spinning.
 */
static void interleave(struct ktest *kt, unsigned long mode, const char *what)
{
	long pids[2], status;
	struct thread *t;

	memset(&seen, 0, sizeof(seen));
	counter = 0;
	counter_stop = false;
	trap_probe = count_user_irqs;
	t = thread_create("counter", count_until_stopped, NULL, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(t != NULL);
	for (unsigned int i = 0; i < 2; i++)
		pids[i] = process_spawn("a64", mode | (i + 5) << 8);
	for (unsigned int i = 0; i < 2; i++) {
		KASSERT_GT(pids[i], 0);
		KEXPECT_EQ(process_wait(pids[i], &status), pids[i]);
		KEXPECT_EQ(status, 0);
	}
	counter_stop = true;
	thread_join(t);
	trap_probe = NULL;
	for (unsigned int i = 0; i < 2; i++) {
		printk("# %s: a64 pid %ld: %lu interrupts from user mode, preempted %lu times\n",
		       what, pids[i], seen.irqs[pids[i] % PROBE_PIDS],
		       seen.preempted[pids[i] % PROBE_PIDS]);
		KEXPECT_GE(seen.preempted[pids[i] % PROBE_PIDS], 2);
	}
	KEXPECT_GT(counter, 0);
}

KTEST(preempted_user_programs_keep_every_register)
{
	interleave(kt, A64_PREEMPT, "registers");
}

#ifdef CONFIG_SMP
static unsigned long preempt_or_syscalls(unsigned int i)
{
	return (i % 2 ? A64_PREEMPT : A64_SYSCALLS) | (i + 5) << 8;
}

/* Preempted on one CPU, resumed on another: every register goes along. */
KTEST(arm64_user_registers_survive_migration)
{
	unsigned long steals;

	KASSERT_GE(smp_cpus_online(), 2);
	KEXPECT_EQ(run_migrating("a64", preempt_or_syscalls, &steals), 0u);
	KEXPECT_GE(steals, 1ul);
}
#endif

KTEST(arm64_user_area_below_sp_survives)
{
	interleave(kt, A64_BELOW_SP, "below sp");
}

/*
 * A new process starts with no FP/SIMD, FP status or control, or TLS value
 * of what ran before: here the programs that leave patterns in all of them.
 */
KTEST(arm64_user_mode_starts_clean)
{
	KEXPECT_EQ(run("a64", A64_SYSCALL_ONCE | 7 << 8), 0);
	KEXPECT_EQ(run("a64", A64_FIRST_ENTRY), 0);
}

KTEST(arm64_tiny_user_stack_takes_10000_syscalls)
{
	KEXPECT_EQ(run("a64", A64_TINY_STACK), 0);
}

/* tests/user/arm64/a64fault.c: its enum a64_fault. */
#define A64F_COUNT 8

KTEST(arm64_user_faults_kill_only_the_process)
{
	for (unsigned long kind = 1; kind < A64F_COUNT; kind++)
		KEXPECT_EQ(run("a64fault", kind), KILN_STATUS_FAULT);
	/* The kernel went on. */
	KEXPECT_EQ(run("a64", A64_SYSCALL_ONCE), 0);
}

/* Which stack (../which_stack.c): a probe in trap_dispatch() reports every entry. */
static void note_landing(struct trap_frame *tf, struct cpu *cpu)
{
	if (is_svc(tf))
		landing_syscall(tf, cpu, tf->sp);
	else
		landing_trap(tf, cpu, arch_frame_from_user(tf),
			     tf->kind == TRAP_EL0_64_IRQ || tf->kind == TRAP_EL1H_IRQ, tf->sp);
}

KTEST(arm64_entries_land_on_the_policy_stack)
{
	uint64_t val;

	landing_begin();
	trap_probe = note_landing;
	/* From user mode: system calls and a long spin (interrupts), then a fault. */
	KEXPECT_EQ(run("a64", A64_PREEMPT | 3 << 8), 0);
	KEXPECT_EQ(run("a64fault", 1), KILN_STATUS_FAULT);
	/* From the kernel: an exception (fixed up), then an interrupt while this thread waits. */
	KEXPECT_FALSE(probe_read64(0x18, &val));
	thread_sleep_ns(20000000);
	trap_probe = NULL;
	landing_end();
	landing_check(kt);
}

/* Recurse until the stack runs out, inside the first system call of the a64 process. */
static void overflow_in_svc(struct trap_frame *tf, struct cpu *cpu)
{
	struct process *p = cpu->current->process;

	if (p && !strcmp(p->name, "a64") && is_svc(tf)) {
		trap_probe = NULL;
		stack_eater(0);
	}
}

/*
 * A kernel stack overflow inside a system call: the overflow check moves to
 * the overflow stack, the report names the thread, the process dies with a
 * fault status and the kernel goes on.
 */
KTEST(arm64_kernel_stack_overflow_in_syscall_kills_the_process)
{
	trap_probe = overflow_in_svc;
	KEXPECT_EQ(run("a64", A64_SYSCALL_ONCE), KILN_STATUS_FAULT);
	trap_probe = NULL;
	KEXPECT_EQ(run("a64", A64_SYSCALL_ONCE), 0);
}

static unsigned int sgi;
static unsigned long sgi_hits, sgi_in_syscall;

static void count_sgi(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	sgi_hits++;
	sgi_in_syscall += this_cpu()->trap_depth == 2;
}

/*
 * The closest arm64 gets to the x86 self-NMI from inside a system call
 * (QEMU 7.2 has no NMI for virt): an interrupt raised at the system call's
 * entry arrives inside the call, once it enables interrupts, nested in the
 * entry from user mode. The program's registers survive it.
 */
static void sgi_in_svc(struct trap_frame *tf, struct cpu *cpu)
{
	(void)cpu;
	if (is_svc(tf))
		platform_send_self_irq(sgi);
}

KTEST(arm64_interrupt_inside_syscall_keeps_user_registers)
{
	sgi = platform_self_irq(0);
	sgi_hits = sgi_in_syscall = 0;
	irq_register(sgi, count_sgi, NULL);
	trap_probe = sgi_in_svc;
	KEXPECT_EQ(run("a64", A64_SYSCALLS | 4 << 8), 0);
	trap_probe = NULL;
	irq_unregister(sgi);
	KEXPECT_GE(sgi_hits, 4);
	KEXPECT_EQ(sgi_in_syscall, sgi_hits);
}

static void tls_written_directly(void *arg)
{
	long wrong = 0;

	/* As user code does (msr tpidr_el0): the stored copy knows nothing of it. */
	write_sysreg(tpidr_el0, (uintptr_t)arg);
	for (int i = 0; i < 100; i++) {
		thread_yield();
		wrong += read_sysreg(tpidr_el0) != (uintptr_t)arg;
	}
	thread_exit(wrong);
}

/* TPIDR_EL0 belongs to user mode: the switch keeps what the register holds, however set. */
KTEST(tls_register_set_directly_survives_switches)
{
	struct thread *t[2];

	for (int i = 0; i < 2; i++)
		t[i] = thread_create("tpidr", tls_written_directly, (void *)(0x5000ul + i),
				     THREAD_PRIO_DEFAULT);
	for (int i = 0; i < 2; i++)
		KEXPECT_EQ(thread_join(t[i]), 0);
}
