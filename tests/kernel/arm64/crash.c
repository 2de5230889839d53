/* arm64 crash scenarios (kiln.mode=crash kiln.crash=NAME). */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/kcrash.h>
#include <kiln/printk.h>
#include <arch/psr.h>
#include "../stack_eater.h"

KCRASH(undefined_instruction)
{
	asm volatile("udf #0");
}

/* The pattern crash_regs.S loads: xN = CRASH_REG | N. */
#define CRASH_REG 0x5e00000000000000ul

__noreturn void crash_overflow_registers(void);
__noreturn void crash_serror_enter(uint64_t esr, uint64_t far, uint64_t elr, uint64_t spsr,
				   uintptr_t sp, void *vector);

/*
 * Overflow the main thread's stack with every register holding a pattern:
 * pushes, without a free register, until the guard stops them. The vectors
 * must move to the overflow stack and report exactly these registers.
 */
KCRASH(stack_overflow_registers)
{
	arch_irq_disable();
	printk("kcrash: registers xN = 0x%lx | N\n", CRASH_REG);
	crash_overflow_registers();
}

/*
 * Recurse on this CPU's overflow stack, as an overflow handler gone wrong
 * would, into the overflow stack's own guard: the vectors must not start
 * that stack over but report from the emergency stack.
 */
KCRASH(overflow_stack_overflow)
{
	arch_irq_disable();
	asm volatile("mov sp, %0\n\tmov x0, xzr\n\tbl stack_eater"
		     :
		     : "r"(this_cpu()->arch.overflow_sp)
		     : "x0", "x30", "memory");
}

extern char exception_vectors[];
/* The EL1h SError slot: group 1, type 3, 128 bytes each. */
#define VECTOR_EL1H_SERROR 0x380
#define ESR_SERROR	   ((uint64_t)0x2f << 26)

/*
 * An SError taken while on the overflow stack. QEMU raises no SError on
 * virt, so this one is simulated: ESR_EL1, FAR_EL1, ELR_EL1 and SPSR_EL1 are
 * set as an SError would set them, everything masked, and the EL1h SError
 * vector entered with every other register holding its pattern. It must be
 * reported from the emergency stack, with those registers.
 */
KCRASH(serror_on_overflow_stack)
{
	uintptr_t sp = this_cpu()->arch.overflow_sp - 64, elr = (uintptr_t)crash_serror_enter;

	printk("kcrash: registers xN = 0x%lx | N but x9; sp 0x%lx, elr 0x%lx, far 0x%lx, "
	       "spsr 0x%x\n",
	       CRASH_REG, (unsigned long)sp, (unsigned long)elr, CRASH_REG | 0xfa,
	       SPSR_EL1H_MASKED);
	arch_irq_disable();
	crash_serror_enter(ESR_SERROR, CRASH_REG | 0xfa, elr, SPSR_EL1H_MASKED, sp,
			   exception_vectors + VECTOR_EL1H_SERROR);
}
