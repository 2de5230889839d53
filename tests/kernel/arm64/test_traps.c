/* arm64 exception entry: ESR class, ELR, FAR, registers, frame, GIC and timer interrupts. */
#include <generated/offsets.h>
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/extable.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/ktest.h>
#include <kiln/probe.h>
#include <kiln/platform.h>
#include <kiln/string.h>
#include <generated/hw.h>
#include <arch/psr.h>
#include <platform/board.h>
#include <platform/irqchip.h>
#include "esr.h" /* arch-private: ccflags-y in Kbuild */

void trap_regs_roundtrip(uint64_t out[31]);
void trap_frame_words(const uintptr_t *frame, uint64_t expect[3], uint64_t seen[3]);

static struct trap_record *last_fixup(void)
{
	struct trap_record *r = &this_cpu()->last_fixup;

	memset(r, 0, sizeof(*r));
	return r;
}

static uintptr_t label_of_brk(void)
{
	uintptr_t pc;

	asm volatile("adr %0, 1f\n1: brk #0x123\n2:\n\t" EXTABLE_ENTRY("1b", "2b") : "=r"(pc));
	return pc;
}

KTEST(arm64_brk_recovers)
{
	struct trap_record *r = last_fixup();
	uintptr_t pc = label_of_brk();

	KEXPECT_EQ(r->vector, ESR_EC_BRK64);
	/* BRK reports the address of the brk itself and its immediate in the ISS. */
	KEXPECT_EQ(r->pc, pc);
	KEXPECT_EQ(ESR_ISS(r->error) & 0xffff, 0x123);
	KEXPECT_EQ(r->depth, 1);
	KEXPECT_EQ(this_cpu()->trap_depth, 0);
}

KTEST(arm64_undefined_instruction_recovers)
{
	struct trap_record *r = last_fixup();
	uintptr_t pc;

	asm volatile("adr %0, 1f\n1: udf #7\n2:\n\t" EXTABLE_ENTRY("1b", "2b") : "=r"(pc));
	KEXPECT_EQ(r->vector, ESR_EC_UNKNOWN);
	KEXPECT_EQ(r->pc, pc);
}

KTEST(arm64_null_read_syndrome)
{
	struct trap_record *r = last_fixup();

	uint64_t val;

	KEXPECT_FALSE(probe_read64(0x18, &val));
	KEXPECT_EQ(r->vector, ESR_EC_DABT_CUR);
	KEXPECT_EQ(r->fault_addr, 0x18);
	KEXPECT_EQ(ESR_ABT_FSC(r->error) & ~3u, FSC_TRANSLATION_L(0));
	KEXPECT_EQ(r->error & ESR_ABT_WNR, 0);
}

KTEST(arm64_text_write_syndrome)
{
	struct trap_record *r = last_fixup();
	uintptr_t target = (uintptr_t)&probe_write8;

	KEXPECT_FALSE(probe_write8(target, 0));
	KEXPECT_EQ(r->vector, ESR_EC_DABT_CUR);
	KEXPECT_EQ(r->fault_addr, target);
	KEXPECT_EQ(ESR_ABT_FSC(r->error) & ~3u, FSC_PERMISSION_L(0));
	KEXPECT_EQ(r->error & ESR_ABT_WNR, ESR_ABT_WNR);
}

/* A `ret` in writable data: fetching it must fault. */
static uint32_t data_ret[4] = {0xd65f03c0};
void nx_resume(void);
asm(".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad data_ret, nx_resume\n\t.popsection\n"
    "\t.text\nnx_resume: ret\n");

KTEST(arm64_data_is_not_executable)
{
	struct trap_record *r = last_fixup();

	((void (*)(void))(uintptr_t)data_ret)();
	KEXPECT_EQ(r->vector, ESR_EC_IABT_CUR);
	KEXPECT_EQ(r->pc, (uintptr_t)data_ret);
	KEXPECT_EQ(r->fault_addr, (uintptr_t)data_ret);
	KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
	KEXPECT_TRUE(r->fault_exec);
}

KTEST(arm64_unaligned_exclusive_is_alignment_fault)
{
	static uint64_t words[2];
	struct trap_record *r = last_fixup();
	uintptr_t addr = (uintptr_t)words + 1;
	uint64_t val;

	/* Exclusives need natural alignment even where ordinary loads do not. */
	asm volatile("1: ldxr %0, [%1]\n2:\n\t" EXTABLE_ENTRY("1b", "2b") : "=&r"(val) : "r"(addr));
	KEXPECT_EQ(r->vector, ESR_EC_DABT_CUR);
	KEXPECT_EQ(r->fault_addr, addr);
	KEXPECT_EQ(ESR_ABT_FSC(r->error), FSC_ALIGNMENT);
	KEXPECT_EQ(r->fault, MEM_FAULT_ALIGNMENT);
}

KTEST(arm64_trap_preserves_all_registers)
{
	uint64_t regs[31];

	trap_regs_roundtrip(regs);
	for (unsigned int n = 0; n < 31; n++)
		KEXPECT_EQ(regs[n], ((0x1000ull + n) << 48) | (0x100 * n + n));
}

KTEST(arm64_boot_cpu_is_in_device_tree)
{
	uint64_t self = read_sysreg(mpidr_el1) & 0xff00ffffffull;
	bool found = false;

	KEXPECT_GE(board_nr_cpus, 1);
	for (unsigned int i = 0; i < board_nr_cpus; i++)
		found |= board_cpu_mpidr[i] == self;
	KEXPECT_TRUE(found);
}

KTEST(arm64_runs_at_el1)
{
	KEXPECT_EQ((read_sysreg(CurrentEL) >> 2) & 3, 1);
}

KTEST(arm64_gic_version_from_device_tree)
{
	int node3 = fdt_find_compatible(&board_fdt, -1, "arm,gic-v3");

	KEXPECT_EQ(irqchip_version(), node3 >= 0 ? 3 : 2);
}

/* Indexes of trap_frame_words(). */
enum { SAVED_ELR, SAVED_SPSR, SAVED_SP, SAVED_WORDS };

/* The SPSR bits trap_frame_words() knows: NZCV, DAIF and the mode (EL, SP, AArch64). */
#define SPSR_KNOWN_BITS (0xf0000000ull | PSR_DAIF_MASKED | 0x1f)

/*
 * ELR, SPSR and SP must be saved at the trap-frame offsets C and the exit path use (TF_*):
 * compared with values known without the frame (a label, PSTATE read before the brk, SP).
 */
KTEST(arm64_exception_frame_matches_trap_frame_offsets)
{
	struct trap_record *r = last_fixup();
	uint64_t expect[SAVED_WORDS], seen[SAVED_WORDS];

	trap_frame_words(&r->frame, expect, seen);
	KASSERT_EQ(r->vector, ESR_EC_BRK64);
	/* C read ELR (the brk) where the vectors saved it, then moved it past the brk. */
	KEXPECT_EQ(r->pc, expect[SAVED_ELR]);
	KEXPECT_EQ(seen[SAVED_ELR], expect[SAVED_ELR] + 4);
	KEXPECT_EQ(seen[SAVED_SPSR] & SPSR_KNOWN_BITS, expect[SAVED_SPSR]);
	KEXPECT_EQ(seen[SAVED_SP], expect[SAVED_SP]);
	/* The expected PSTATE itself: N and C as set, EL1 on SP_EL1, everything masked. */
	KEXPECT_EQ(expect[SAVED_SPSR], 0x90000000ull | SPSR_EL1H_MASKED);
}

/*
 * The vectors find this CPU's overflow stack through struct cpu
 * (CPU_OVERFLOW_SP): a kernel stack like a thread's, which obeys the bit
 * test of the overflow check (clear inside, set in its unmapped guard).
 */
KTEST(arm64_overflow_stack_is_a_guarded_kernel_stack)
{
	uintptr_t top = this_cpu()->arch.overflow_sp;
	struct thread *self = thread_current();
	uint64_t val;

	KEXPECT_EQ(CPU_OVERFLOW_SP, offsetof(struct cpu, arch.overflow_sp));
	KEXPECT_EQ(top % KSTACK_SLOT, KSTACK_SIZE);
	KEXPECT_TRUE(probe_read64(top - 8, &val));
	KEXPECT_TRUE(probe_read64(top - KSTACK_SIZE, &val));
	KEXPECT_FALSE(probe_read64(top - KSTACK_SIZE - 8, &val));
	KEXPECT_EQ((top - 8) & KSTACK_SIZE, 0);
	KEXPECT_EQ((top - KSTACK_SIZE - 8) & KSTACK_SIZE, KSTACK_SIZE);
	/* Not a thread stack, which is what overflows. */
	KEXPECT_TRUE(top <= self->stack_base || top > self->stack_top);
}

/* The emergency stack (CPU_EMERGENCY_SP) is this CPU's and usable. */
KTEST(arm64_emergency_stack_is_reachable_from_struct_cpu)
{
	uintptr_t top = this_cpu()->arch.emergency_sp;
	uint64_t val;

	KEXPECT_EQ(CPU_EMERGENCY_SP, offsetof(struct cpu, arch.emergency_sp));
	KEXPECT_EQ(top % 16, 0);
	KEXPECT_TRUE(probe_read64(top - 8, &val));
	KEXPECT_TRUE(probe_read64(top - (1 << EMERGENCY_STACK_SHIFT), &val));
	KEXPECT_TRUE(top != this_cpu()->arch.overflow_sp);
}
