/* x86_64 exception entry: vectors, RIPs, error codes, CR2, registers, frame, IST stacks. */
#include <generated/offsets.h>
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/extable.h>
#include <kiln/irq.h>
#include <kiln/ktest.h>
#include <kiln/printk.h>
#include <kiln/probe.h>
#include <kiln/string.h>
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/lapic.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <generated/hw.h>

void trap_regs_roundtrip(uint64_t out[15]);
void trap_frame_words(const uintptr_t *frame, uint64_t expect[5], uint64_t seen[5]);

static struct trap_record *last_fixup(void)
{
	struct trap_record *r = &this_cpu()->last_fixup;

	memset(r, 0, sizeof(*r));
	return r;
}

KTEST(x86_breakpoint_recovers)
{
	struct trap_record *r = last_fixup();
	uintptr_t after;

	/* #BP is a trap: the saved RIP is the instruction after int3. */
	asm volatile("int3\n1:\n\t" EXTABLE_ENTRY("1b", "1b") "leaq 1b(%%rip), %0" : "=r"(after));
	KEXPECT_EQ(r->vector, VEC_BREAKPOINT);
	KEXPECT_EQ(r->pc, after);
	KEXPECT_EQ(r->depth, 1);
	KEXPECT_EQ(this_cpu()->trap_depth, 0);
}

KTEST(x86_invalid_opcode_recovers)
{
	struct trap_record *r = last_fixup();
	uintptr_t insn;

	/* #UD is a fault: the saved RIP is the ud2 itself. */
	asm volatile("1: ud2\n2:\n\t" EXTABLE_ENTRY("1b", "2b") "leaq 1b(%%rip), %0" : "=r"(insn));
	KEXPECT_EQ(r->vector, VEC_INVALID_OPCODE);
	KEXPECT_EQ(r->pc, insn);
	KEXPECT_EQ(r->error, 0);
}

KTEST(x86_divide_error_recovers)
{
	struct trap_record *r = last_fixup();
	uint64_t zero = 0;

	asm volatile("xorl %%edx, %%edx\n\tmovl $1, %%eax\n"
		     "1: divq %0\n2:\n\t" EXTABLE_ENTRY("1b", "2b")
		     :
		     : "r"(zero)
		     : "rax", "rdx");
	KEXPECT_EQ(r->vector, VEC_DIVIDE);
}

/* A `ret` in writable data: executing it must fault with the fetch bit set. */
static uint8_t data_ret[16] = {0xc3};
void nx_resume(void);
asm(".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad data_ret, nx_resume\n\t.popsection\n"
    "\t.text\nnx_resume: ret\n");

KTEST(x86_data_is_not_executable)
{
	struct trap_record *r = last_fixup();

	((void (*)(void))(uintptr_t)data_ret)();
	KEXPECT_EQ(r->vector, VEC_PAGE_FAULT);
	KEXPECT_EQ(r->pc, (uintptr_t)data_ret);
	KEXPECT_EQ(r->error & PF_FETCH, PF_FETCH);
	KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
	KEXPECT_TRUE(r->fault_exec);
}

KTEST(x86_boot_stack_guard_is_ram_in_the_direct_map)
{
	uint64_t val;

	/* Only the image's mapping has the hole; the page itself is ordinary RAM. */
	KEXPECT_TRUE(probe_read64((uintptr_t)phys_to_virt(virt_to_phys(boot_stack_guard)), &val));
}

KTEST(x86_not_present_read_error_code)
{
	struct trap_record *r = last_fixup();
	uint64_t val;

	KEXPECT_FALSE(probe_read64(0x18, &val));
	KEXPECT_EQ(r->vector, VEC_PAGE_FAULT);
	KEXPECT_EQ(r->error & (PF_PRESENT | PF_WRITE | PF_USER), 0);
}

KTEST(x86_noncanonical_address_is_gp)
{
	struct trap_record *r = last_fixup();
	uint64_t val;

	KEXPECT_FALSE(probe_read64(0x8000000000000000ull, &val));
	KEXPECT_EQ(r->vector, VEC_GP);
	KEXPECT_EQ(r->fault, MEM_FAULT_NONE);
}

KTEST(x86_trap_preserves_all_registers)
{
	uint64_t regs[15];

	trap_regs_roundtrip(regs);
	for (unsigned int i = 0; i < 15; i++)
		KEXPECT_EQ(regs[i], 0x0101010101010101ull * (i + 1) + 0x1000000000000000ull);
}

/*
 * An NMI from outside (QEMU's inject-nmi, a watchdog) may come at any time, also between
 * sending ours and checking it, and NMIs pending together are taken once. So each round
 * expects at least one more NMI and checks the last one taken: every NMI enters through the
 * same IDT gate, so an outside one must have run on the IST stack too. The rounds give
 * tests/host/test_nmi.py, which injects NMIs while this runs, a window to hit; it requires
 * some round to have taken an NMI from outside.
 */
#define NMI_ROUNDS 10000

KTEST(x86_nmi_runs_on_ist_stack)
{
	struct cpu *cpu = this_cpu();
	uintptr_t base = ist_stack_base(cpu->index, IST_NMI);
	unsigned int outside = 0;

	for (unsigned int i = 0; i < NMI_ROUNDS; i++) {
		unsigned long before = cpu->nmi_count;

		lapic_send_nmi(lapic_id());
		for (unsigned int spin = 0; cpu->nmi_count == before && spin < 1000; spin++)
			arch_cpu_relax();
		KASSERT_GE(cpu->nmi_count, before + 1);
		KASSERT_GE(cpu->last_nmi.frame, base);
		KASSERT_LT(cpu->last_nmi.frame, base + CONFIG_X86_IST_STACK_SIZE);
		KASSERT_EQ(cpu->last_nmi.vector, VEC_NMI);
		outside += cpu->nmi_count > before + 1;
	}
	printk("# x86_nmi_runs_on_ist_stack: %u rounds, %u took an NMI from outside too\n",
	       NMI_ROUNDS, outside);
}

/* Indexes of trap_frame_words(): the words the CPU pushes, in push order reversed. */
enum { HW_RIP, HW_CS, HW_RFLAGS, HW_RSP, HW_SS, HW_WORDS };

/*
 * The CPU, not the C struct, decides where RIP, CS, RFLAGS, RSP and SS land: the words at the
 * trap-frame offsets the entry code uses (TF_*) must be the values the CPU had at the int3,
 * known here without the frame (a label, the selectors, pushfq, RSP).
 */
KTEST(x86_cpu_pushed_frame_matches_trap_frame_offsets)
{
	struct trap_record *r = last_fixup();
	uint64_t expect[HW_WORDS], seen[HW_WORDS];

	trap_frame_words(&r->frame, expect, seen);
	KASSERT_EQ(r->vector, VEC_BREAKPOINT);
	KEXPECT_EQ(seen[HW_RIP], expect[HW_RIP]);
	KEXPECT_EQ(seen[HW_CS], expect[HW_CS]);
	KEXPECT_EQ(seen[HW_RFLAGS], expect[HW_RFLAGS]);
	KEXPECT_EQ(seen[HW_RSP], expect[HW_RSP]);
	KEXPECT_EQ(seen[HW_SS], expect[HW_SS]);
	/* The expected values themselves: kernel selectors, interrupts off. */
	KEXPECT_EQ(expect[HW_CS], GDT_KERNEL_CS);
	KEXPECT_EQ(expect[HW_SS], GDT_KERNEL_DS);
	KEXPECT_EQ(expect[HW_RFLAGS] & RFLAGS_IF, 0);
}

/*
 * #MC has its own IST stack whatever the policy puts other exceptions on:
 * `int $18` enters through the same gate (no error code either way), and
 * is resumed after it through the exception table.
 */
KTEST(x86_machine_check_runs_on_ist_stack)
{
	struct trap_record *r = last_fixup();
	uintptr_t base = ist_stack_base(this_cpu()->index, IST_MACHINE_CHECK);

	asm volatile("int $18\n1:\n\t" EXTABLE_ENTRY("1b", "1b") : : : "memory");
	KEXPECT_EQ(r->vector, VEC_MACHINE_CHECK);
	KEXPECT_GE(r->frame, base);
	KEXPECT_LT(r->frame, base + CONFIG_X86_IST_STACK_SIZE);
}

/*
 * What the CPU reads or runs on an entry from user mode before any kernel
 * code could switch page tables has pages of its own, so page-table
 * isolation can map just those: the entry code (every IDT gate and the
 * SYSCALL target inside it), the IDT, and each CPU's GDT and TSS.
 */
extern char _entry_text_start[], _entry_text_end[];

KTEST(x86_entry_code_and_tables_have_pages_of_their_own)
{
	struct __packed {
		uint16_t limit;
		uint64_t base;
	} gdtr, idtr;
	const uint64_t *gate;
	struct cpu *cpu = this_cpu();
	uintptr_t lstar = rdmsr(MSR_LSTAR), start = (uintptr_t)_entry_text_start;
	unsigned int outside = 0;

	asm volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	KEXPECT_EQ(start % PAGE_SIZE, 0);
	KEXPECT_EQ((uintptr_t)_entry_text_end % PAGE_SIZE, 0);
	KEXPECT_TRUE(lstar >= start && lstar < (uintptr_t)_entry_text_end);
	gate = (const uint64_t *)idtr.base;
	for (unsigned int v = 0; v < 256; v++) {
		uintptr_t target = (gate[2 * v] & 0xffff) | (gate[2 * v] >> 32 & 0xffff0000) |
				   gate[2 * v + 1] << 32;
		outside += target < start || target >= (uintptr_t)_entry_text_end;
	}
	KEXPECT_EQ(outside, 0);
	KEXPECT_EQ(idtr.base % PAGE_SIZE, 0);
	KEXPECT_EQ(idtr.limit, PAGE_SIZE - 1);
	KEXPECT_EQ(gdtr.base, (uintptr_t)cpu->arch.entry->gdt);
	KEXPECT_EQ(gdtr.base % PAGE_SIZE, 0);
	KEXPECT_TRUE(cpu->arch.entry->cpu == cpu);
	KEXPECT_EQ(sizeof(*cpu->arch.entry), PAGE_SIZE);
}
