/* x86_64 user mode: SYSCALL set-up, SMEP and SMAP, process address spaces, the way to ring 3. */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/layout.h>
#include <arch/user.h>

/* The root entries from here up map the kernel half (bit 47 set). */
#define KERNEL_HALF_FIRST 256

/* Generated entry code (templates/x86_64/entry.S.j2). */
void syscall_entry(void);
__noreturn void user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg);

bool x86_smap;
bool x86_fsgsbase;

/*
 * SMEP: the kernel never executes a user page; SMAP: it never reads or
 * writes one outside arch_user_access_begin/end. Both where CPUID has them.
 * FSGSBASE too: user code may then set its own FS and GS bases (the switch
 * keeps them per thread, the paranoid entry compares GS with this CPU's
 * struct cpu), and the kernel reads and writes them without MSRs.
 */
static void protect_from_user(struct cpu *cpu)
{
	uint32_t regs[4];
	uint64_t cr4 = read_cr4();

	cpuid(0, 0, regs);
	if (regs[0] >= 7) {
		cpuid(7, 0, regs);
		if (regs[1] & CPUID7_EBX_SMEP)
			cr4 |= CR4_SMEP;
		if (regs[1] & CPUID7_EBX_SMAP)
			cr4 |= CR4_SMAP;
		if (regs[1] & CPUID7_EBX_FSGSBASE)
			cr4 |= CR4_FSGSBASE;
	}
	write_cr4(cr4);
	if (cpu->index == 0) {
		x86_smap = cr4 & CR4_SMAP;
		printk("x86_64: SMEP %s, SMAP %s\n", cr4 & CR4_SMEP ? "on" : "off",
		       x86_smap ? "on" : "off");
		x86_fsgsbase = cr4 & CR4_FSGSBASE;
		printk("x86_64: FSGSBASE %s\n",
		       x86_fsgsbase ? "on: rdgsbase/wrgsbase" : "off: GS/FS base MSRs");
	}
}

/*
 * SYSCALL enters at syscall_entry with the kernel's selectors and the
 * flags SFMASK clears: no interrupt before the stack is the kernel's, no
 * single step or alignment check into the kernel, string operations
 * upward, SMAP not overridden by a user's AC, no nested-task IRET.
 */
static void syscall_init(void)
{
	wrmsr(MSR_STAR, (uint64_t)GDT_KERNEL_DS << 48 | (uint64_t)GDT_KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void user_mode_init_cpu(struct cpu *cpu)
{
	protect_from_user(cpu);
	/* A user's RFLAGS.AC turns misaligned accesses into #AC (at CPL 3 only). */
	write_cr0(read_cr0() | CR0_AM);
	syscall_init();
}

/*
 * Every root entry of the kernel half that the kernel will ever use exists
 * before the first process (arch_mmu_activate()), so the copies below stay
 * in step with the kernel's own root without being updated.
 */
void arch_uspace_init(pte_t *root)
{
	for (unsigned int i = KERNEL_HALF_FIRST; i < 512; i++)
		root[i] = kernel_pgtable[i];
}

/* Writing CR3 flushes the TLB (no PCID: ARCH_ASIDS 1): skip it when root is live already. */
void arch_uspace_activate(pte_t *root, unsigned int asid)
{
	(void)asid;
	paddr_t pa = virt_to_phys(root);

	if (read_cr3() != pa)
		write_cr3(pa);
}

/* Never called: no id but 0 (ARCH_ASIDS). */
void arch_asid_flush(unsigned int asid)
{
	(void)asid;
}

paddr_t arch_uspace_root(void)
{
	return read_cr3() & ~(paddr_t)(PAGE_SIZE - 1);
}

__noreturn void arch_enter_user(uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	BUG_ON(pc < USER_VA_START || pc >= USER_VA_END || sp > USER_VA_END);
	arch_irq_disable();
	/* Nothing of an earlier process reaches this one through the FP/SIMD registers. */
	fpu_reset();
	user_enter(pc, sp, arg);
}
