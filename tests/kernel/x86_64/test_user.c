/*
 * x86_64 user mode: what the SYSCALL entry, the trap entry and the switch
 * give back to user code (tests/user/x86_64/ programs check it from the
 * inside and return their failures), what kills a process, and NMIs where
 * the saved CS does not say which GS base is live.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/ktest.h>
#include <kiln/mm.h>
#include <kiln/printk.h>
#include <kiln/probe.h>
#include <kiln/process.h>
#include <kiln/smp.h>
#include <kiln/syscall.h>
#include <kiln/string.h>
#include <kiln/trap.h>
#include <kiln/uaccess.h>
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/lapic.h>
#include "../../user/x86_64/x86_user.h"
#include "lapic_partition.h"
#include "../domain_util.h"
#include "../stack_eater.h"
#include "../which_stack.h"
#include "../user_run.h"

STATIC_ASSERT(X86_USER_STACK_TOP == USER_STACK_TOP, "x86_user.h agrees with kiln/process.h");

void x86_churn(volatile const unsigned char *stop);
void syscall_entry(void);

static volatile unsigned char churn_stop;

static void churn(void *arg)
{
	(void)arg;
	x86_churn(&churn_stop);
}

/*
 * Run name(arg) with a kernel thread of the same priority interleaved:
 * timer preemption switches between them, and the kernel thread fills
 * every register with kernel addresses meanwhile. The status, and in
 * *preempted how often the kernel thread was preempted (proof that the two
 * really interleaved).
 */
static long run_interleaved(const char *name, unsigned long arg, unsigned long *preempted)
{
	struct thread *t;
	long status;

	churn_stop = 0;
	t = thread_create("x86-churn", churn, NULL, THREAD_PRIO_DEFAULT);
	if (!t)
		return -ENOMEM;
	status = run(name, arg);
	churn_stop = 1;
	*preempted = t->preemptions;
	thread_join(t);
	return status;
}

/*
 * Which stack (../which_stack.c): probes in trap_dispatch() and
 * syscall_dispatch() report every entry.
 */
static void note_trap_landing(struct trap_frame *tf, struct cpu *cpu)
{
	if (tf->vector != VEC_NMI)
		landing_trap(tf, cpu, arch_frame_from_user(tf), tf->vector >= VEC_FIRST_IRQ,
			     tf->rsp);
}

static void note_syscall_landing(struct trap_frame *tf, struct cpu *cpu)
{
	landing_syscall(tf, cpu, tf->rsp);
}

KTEST(x86_entries_land_on_the_policy_stack)
{
	unsigned long preempted = 0;
	uint64_t val;

	landing_begin();
	trap_probe = note_trap_landing;
	syscall_probe = note_syscall_landing;
	/* From user mode: system calls, interrupts during a spin, then a fault. */
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_SYSCALLS, 0)), 0);
	KEXPECT_EQ(run_interleaved("x86_regs", X86_REGS_ARG(X86_REGS_SPIN, 0), &preempted), 0);
	KEXPECT_EQ(run("x86_fault", X86_FAULT_UD2), KILN_STATUS_FAULT);
	/* From kernel mode: an exception (fixed up), then interrupts while this thread waits. */
	KEXPECT_FALSE(probe_read64(0x18, &val));
	thread_sleep_ns(20000000);
	syscall_probe = NULL;
	trap_probe = NULL;
	landing_end();
	landing_check(kt);
}

/* SYSCALL at the end of the last canonical page would return to a non-canonical address. */
KTEST(x86_last_canonical_page_is_never_user)
{
	struct mem_partition p;

	KEXPECT_EQ(USER_VA_END, 0x00007ffffffff000ul);
	KEXPECT_FALSE(user_range_ok(USER_VA_END, 1));
	KEXPECT_FALSE(user_range_ok(0x00007fffffffffffull, 1));
	KEXPECT_EQ(mem_partition_alloc(&p, USER_VA_END, PAGE_SIZE, PROT_READ | PROT_EXEC), -EFAULT);
	KASSERT_EQ(mem_partition_alloc(&p, USER_VA_END - PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	mem_partition_free(&p);
}

/*
 * SMEP and SMAP, where the CPU has them (CPUID leaf 7): the kernel faults
 * reading a user page outside arch_user_access_begin/end, and executing
 * one ever. The user page sits at X86_SMEP_VA, which the exception table
 * knows as a faulting pc (resumed at smep_resume, a ret).
 */
#define X86_SMEP_VA 0x50000000ul
void smep_resume(void);
asm(".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad 0x50000000, smep_resume\n\t"
    ".popsection\n\t.text\nsmep_resume: ret\n");

KTEST(x86_kernel_cannot_touch_user_pages)
{
	struct trap_record *r = &this_cpu()->last_fixup;
	uint32_t regs[4];
	struct test_domain td;
	bool smep, smap, read_closed, read_open;
	uint64_t val;

	cpuid(7, 0, regs);
	smep = regs[1] & CPUID7_EBX_SMEP;
	smap = regs[1] & CPUID7_EBX_SMAP;
	KEXPECT_EQ(x86_smap, smap);
	KEXPECT_EQ(!!(read_cr4() & CR4_SMEP), smep);
	KASSERT_TRUE(test_domain_enter(&td, X86_SMEP_VA, PROT_READ | PROT_EXEC));
	*(uint8_t *)mem_partition_kaddr(&td.part, X86_SMEP_VA) = 0xc3; /* ret */
	arch_irq_disable();
	read_closed = probe_read64(X86_SMEP_VA, &val);
	arch_user_access_begin();
	read_open = probe_read64(X86_SMEP_VA, &val);
	arch_user_access_end();
	memset(r, 0, sizeof(*r));
	((void (*)(void))X86_SMEP_VA)();
	arch_irq_enable();
	test_domain_leave(&td);
	KEXPECT_EQ(read_closed, !smap);
	KEXPECT_TRUE(read_open);
	KEXPECT_EQ(val & 0xff, 0xc3);
	if (smep) {
		KEXPECT_EQ(r->vector, VEC_PAGE_FAULT);
		KEXPECT_EQ(r->pc, X86_SMEP_VA);
		KEXPECT_TRUE(r->fault_exec);
		KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
	}
}

KTEST(x86_syscall_preserves_user_registers)
{
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_SYSCALLS, 0)), 0);
}

KTEST(x86_interrupts_preserve_user_registers)
{
	unsigned long preempted = 0;

	KEXPECT_EQ(run_interleaved("x86_regs", X86_REGS_ARG(X86_REGS_SPIN, 0), &preempted), 0);
	KEXPECT_GT(preempted, 2);
}

KTEST(x86_user_red_zone_survives)
{
	unsigned long preempted = 0;

	KEXPECT_EQ(run_interleaved("x86_regs", X86_REGS_ARG(X86_REGS_REDZONE, 0), &preempted), 0);
	KEXPECT_GT(preempted, 2);
}

#ifdef CONFIG_SMP
static unsigned long regs_spin_or_xmm(unsigned int i)
{
	return X86_REGS_ARG(i % 2 ? X86_REGS_SPIN : X86_REGS_XMM_YIELD, i + 4);
}

/* Preempted on one CPU, resumed on another: every register goes along. */
KTEST(x86_user_registers_survive_migration)
{
	unsigned long steals;

	KASSERT_GE(smp_cpus_online(), 2);
	KEXPECT_EQ(run_migrating("x86_regs", regs_spin_or_xmm, &steals), 0u);
	KEXPECT_GE(steals, 1ul);
}
#endif

KTEST(x86_tiny_user_stack_survives_10000_syscalls)
{
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_TINY_STACK, 0)), 0);
}

/*
 * Two processes yield to each other with different SIMD state: neither may
 * see the other's. (Named ctx_*: the switch's mutation run selects it.)
 */
KTEST(ctx_user_simd_state_is_per_process)
{
	long a = process_spawn("x86_regs", X86_REGS_ARG(X86_REGS_XMM_YIELD, 1));
	long b = process_spawn("x86_regs", X86_REGS_ARG(X86_REGS_XMM_YIELD, 2));
	long sa = -1, sb = -1;

	KASSERT_GT(a, 0);
	KASSERT_GT(b, 0);
	KEXPECT_EQ(process_wait(a, &sa), a);
	KEXPECT_EQ(process_wait(b, &sb), b);
	KEXPECT_EQ(sa, 0);
	KEXPECT_EQ(sb, 0);
}

/*
 * arg in rdi, every other register zero, the SIMD state reset: the process
 * before it (which leaves patterns in every xmm register and MXCSR) leaves
 * nothing behind.
 */
KTEST(x86_user_starts_with_clean_registers)
{
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_XMM_YIELD, 3)), 0);
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_ENTRY, 0x5a5a)), 0);
}

static const uint8_t fault_vector[X86_FAULT_MODES] = {
	[X86_FAULT_DIVIDE] = VEC_DIVIDE,
	[X86_FAULT_UD2] = VEC_INVALID_OPCODE,
	[X86_FAULT_HLT] = VEC_GP,
	[X86_FAULT_NONCANONICAL] = VEC_GP,
	[X86_FAULT_INT_NMI] = VEC_GP,
	[X86_FAULT_INT_IRQ] = VEC_GP,
	[X86_FAULT_ALIGNMENT] = VEC_ALIGNMENT_CHECK,
	[X86_FAULT_BREAKPOINT] = VEC_BREAKPOINT,
	[X86_FAULT_TF_SYSCALL] = VEC_DEBUG,
	[X86_FAULT_KERNEL_WRITE] = VEC_PAGE_FAULT,
};

/*
 * Each exception kills its process only, and the kernel goes on. A CPU
 * that does not check alignment (QEMU's TCG does not model #AC) lets the
 * misaligned load through: that process lives, and says so.
 */
KTEST(x86_user_exceptions_kill_only_the_process)
{
	struct cpu *cpu = this_cpu();

	for (unsigned int mode = 1; mode < X86_FAULT_MODES; mode++) {
		long status;

		cpu->arch.user_fault_vector = ~0ull;
		status = run("x86_fault", mode);
		if (mode == X86_FAULT_ALIGNMENT && status == 0) {
			printk("# no #AC: this CPU model does not check alignment\n");
			continue;
		}
		KEXPECT_EQ(status, KILN_STATUS_FAULT);
		KEXPECT_EQ(cpu->arch.user_fault_vector, fault_vector[mode]);
	}
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_SYSCALLS, 0)), 0);
}

/*
 * The process makes 1000 system calls, each right behind a self-NMI it
 * sends through the local APIC (a device partition of its domain,
 * lapic_partition()): each NMI lands on the first
 * instruction of the SYSCALL entry, CS the kernel's, GS the user's. The
 * paranoid entry must find and give back the user's GS, or the kernel
 * dies on its first per-CPU access. QEMU with -icount ends a translation
 * block at the APIC write and takes the NMI in user mode, before SYSCALL:
 * the test says so (tests/host/test_x86_user.py requires the window
 * without -icount).
 */
KTEST(x86_nmi_in_syscall_entry_window)
{
	const struct mem_partition *lapic = lapic_partition();
	struct cpu *cpu = this_cpu();
	unsigned long before = cpu->nmi_count;
	long pid, status = -1;

	pid = process_spawn_with("x86_nmi_window", X86_USER_LAPIC_VA, 0, &lapic, 1);
	KASSERT_LT(0, pid);
	KEXPECT_EQ(process_wait(pid, &status), pid);
	KEXPECT_EQ(status, 0);
	KEXPECT_GE(cpu->nmi_count - before, 1000);
	KEXPECT_EQ(cpu->last_nmi.depth, 1);
	if (cpu->last_nmi.pc < USER_VA_END) {
		printk("# x86_nmi_in_syscall_entry_window: NMIs taken in user mode, before "
		       "SYSCALL\n");
		return;
	}
	KEXPECT_EQ(cpu->last_nmi.pc, (uintptr_t)syscall_entry);
}

/*
 * The paranoid entry, called with the user's GS live in kernel mode (as in
 * the SYSCALL window): it must swap to the kernel's and back, leaving
 * exactly the GS it found. Under a percpu variant without GS state there
 * is nothing to swap, and the same holds trivially.
 */
KTEST(x86_paranoid_entry_restores_user_gs)
{
	struct cpu *cpu = this_cpu();
	unsigned long before = cpu->nmi_count;
	uint64_t user_gs = 0x00007f0012345000ull, kernel_gs_before, seen, kernel_seen;

	arch_irq_disable();
	lapic_write(LAPIC_REG_ICR_HI, lapic_id() << 24);
	kernel_gs_before = rdmsr(MSR_KERNEL_GS_BASE);
	wrmsr(MSR_KERNEL_GS_BASE, user_gs);
	/* From here to the second swapgs nothing may touch a per-CPU variable. */
	asm volatile("swapgs\n\t"
		     "movl %[nmi], (%[icr])\n\t"
		     "1: cmpq %[before], (%[count])\n\t"
		     "je 1b\n\t"
		     "movl %[gs_msr], %%ecx\n\t"
		     "rdmsr\n\t"
		     "shlq $32, %%rdx\n\t"
		     "orq %%rax, %%rdx\n\t"
		     "movq %%rdx, %[seen]\n\t"
		     "swapgs"
		     : [seen] "=m"(seen)
		     : [icr] "r"(lapic_mmio + LAPIC_REG_ICR_LO), [nmi] "i"(0x400),
		       [count] "r"(&cpu->nmi_count), [before] "r"(before), [gs_msr] "i"(MSR_GS_BASE)
		     : "rax", "rcx", "rdx", "memory", "cc");
	kernel_seen = rdmsr(MSR_KERNEL_GS_BASE);
	wrmsr(MSR_KERNEL_GS_BASE, kernel_gs_before);
	arch_irq_enable();
	KEXPECT_EQ(cpu->nmi_count, before + 1);
	KEXPECT_EQ(seen, user_gs);
	KEXPECT_EQ(kernel_seen, user_gs);
	KEXPECT_EQ(cpu->last_nmi.depth, 1);
}

/*
 * Two processes at once set their own FS and GS bases (wrfsbase/wrgsbase)
 * and check them across system calls, yields to each other, interrupts and
 * preemption: the switch must keep both per thread. Without CR4.FSGSBASE
 * the first wrfsbase is #UD and kills only its process.
 */
KTEST(x86_user_fs_gs_bases_are_per_thread)
{
	struct cpu *cpu = this_cpu();
	long pids[2], status[2] = {-1, -1};

	cpu->arch.user_fault_vector = ~0ull;
	for (unsigned int i = 0; i < 2; i++)
		pids[i] = process_spawn("x86_bases", X86_BASES_HOLD | (i + 1) << 8);
	for (unsigned int i = 0; i < 2; i++) {
		KASSERT_GT(pids[i], 0);
		KEXPECT_EQ(process_wait(pids[i], &status[i]), pids[i]);
		KEXPECT_EQ(status[i], x86_fsgsbase ? 0 : KILN_STATUS_FAULT);
	}
	if (!x86_fsgsbase)
		KEXPECT_EQ(cpu->arch.user_fault_vector, VEC_INVALID_OPCODE);
	KEXPECT_EQ(thread_tls(), 0);
}

/*
 * A user GS base that is a kernel address, a struct cpu copy, must not pass
 * for the kernel's in the paranoid entry: an NMI in user mode must still
 * swap to this CPU's own and back. The kernel gives the process that base
 * (its thread's tls_aux, which the switch loads), so the test runs without
 * FSGSBASE too; with it, the process also checks its base after the NMI.
 */
static struct cpu decoy;
static struct cpu *nmi_cpu;
/* Where the user's GS base is while the kernel runs: swapped out by percpu/gsbase, else live. */
#ifdef CONFIG_PERCPU_GSBASE
#define USER_GS_MSR MSR_KERNEL_GS_BASE
#else
#define USER_GS_MSR MSR_GS_BASE
#endif
static uint64_t nmi_user_gs, later_user_gs;

static bool in_bases_process(struct cpu *cpu)
{
	struct process *p = cpu->current ? cpu->current->process : NULL;

	return p && !strcmp(p->name, "x86_bases");
}

static void note_nmi_gs(struct trap_frame *tf, struct cpu *cpu)
{
	if (tf->vector == VEC_NMI && arch_frame_from_user(tf) && !nmi_cpu) {
		nmi_user_gs = rdmsr(USER_GS_MSR);
		nmi_cpu = cpu;
	}
}

static void note_later_gs(struct trap_frame *tf, struct cpu *cpu)
{
	(void)tf;
	if (nmi_cpu && in_bases_process(cpu))
		later_user_gs = rdmsr(USER_GS_MSR);
}

KTEST(x86_nmi_in_user_mode_with_a_kernel_gs_base)
{
	const struct mem_partition *lapic = lapic_partition();
	struct process *p;
	long pid, status = -1;
	unsigned long decoy_nmis;

	memcpy(&decoy, this_cpu(), sizeof(decoy));
	decoy.self = &decoy;
	decoy_nmis = decoy.nmi_count;
	nmi_cpu = NULL;
	nmi_user_gs = later_user_gs = 0;
	trap_probe = note_nmi_gs;
	syscall_probe = note_later_gs;
	arch_irq_disable();
	pid = process_spawn_with("x86_bases", X86_BASES_NMI | X86_USER_LAPIC_VA, 0, &lapic, 1);
	p = pid > 0 ? process_find(pid) : NULL;
	if (p)
		p->thread->tls_aux = (uintptr_t)&decoy;
	arch_irq_enable();
	KASSERT_TRUE(p != NULL);
	KEXPECT_EQ(process_wait(pid, &status), pid);
	trap_probe = NULL;
	syscall_probe = NULL;
	KEXPECT_EQ(status, 0);
	KASSERT_TRUE(nmi_cpu != NULL);
	KEXPECT_TRUE(nmi_cpu >= &cpus[0] && nmi_cpu < &cpus[CONFIG_NR_CPUS]);
	KEXPECT_EQ(nmi_user_gs, (uint64_t)(uintptr_t)&decoy);
	KEXPECT_EQ(later_user_gs, (uint64_t)(uintptr_t)&decoy);
	KEXPECT_EQ(decoy.nmi_count, decoy_nmis);
}

/*
 * A process hammers system calls (and checks every register after each)
 * while NMIs arrive from outside at random moments: tests/host/test_nmi.py
 * injects them through QEMU's monitor for this test. Batches go on while
 * NMIs keep coming, up to STORM_NMIS of them; without a storm the second
 * batch ends it. Reports how many NMIs it took, and how many in user mode.
 */
#define STORM_NMIS    1000
#define STORM_BATCHES 200

KTEST(x86_nmi_storm_during_syscalls)
{
	struct cpu *cpu = this_cpu();
	unsigned long before = cpu->nmi_count, user_before = cpu->arch.nmi_from_user;
	unsigned int batch = 0;
	unsigned long last;

	do {
		last = cpu->nmi_count;
		KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_SYSCALLS, 0)), 0);
	} while (++batch < STORM_BATCHES && cpu->nmi_count - before < STORM_NMIS &&
		 (batch == 1 || cpu->nmi_count != last));
	printk("# x86_nmi_storm_during_syscalls: %lu NMIs, %lu in user mode, %u batches\n",
	       cpu->nmi_count - before, cpu->arch.nmi_from_user - user_before, batch);
}

static uintptr_t double_fault_frame;

static void note_double_fault(struct trap_frame *tf, struct cpu *cpu)
{
	(void)cpu;
	if (tf->vector == VEC_DOUBLE_FAULT && !double_fault_frame)
		double_fault_frame = (uintptr_t)tf;
}

/* Recurse until the stack runs out, inside the first system call of the x86_regs process. */
static void overflow_in_syscall(struct trap_frame *tf, struct cpu *cpu)
{
	struct process *p = cpu->current->process;

	(void)tf;
	if (p && !strcmp(p->name, "x86_regs")) {
		syscall_probe = NULL;
		stack_eater(0);
	}
}

/*
 * A kernel stack overflow inside a system call: the #PF cannot push its
 * frame into the guard, the #DF runs on its IST stack, the report names the
 * thread, the process dies with a fault status and the kernel goes on.
 */
KTEST(x86_kernel_stack_overflow_in_syscall_kills_the_process)
{
	uintptr_t ist = ist_stack_base(this_cpu()->index, IST_DOUBLE_FAULT);

	double_fault_frame = 0;
	trap_probe = note_double_fault;
	syscall_probe = overflow_in_syscall;
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_SYSCALLS, 0)), KILN_STATUS_FAULT);
	syscall_probe = NULL;
	trap_probe = NULL;
	KEXPECT_GE(double_fault_frame, ist);
	KEXPECT_LT(double_fault_frame, ist + CONFIG_X86_IST_STACK_SIZE);
	KEXPECT_EQ(run("x86_regs", X86_REGS_ARG(X86_REGS_SYSCALLS, 0)), 0);
}
