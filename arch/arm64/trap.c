/* Exception decoding: synchronous exceptions, IRQs and the unexpected rest. */
#include <kiln/arch.h>
#include <kiln/backtrace.h>
#include <kiln/cpu.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/syscall.h>
#include <kiln/trap.h>
#include <generated/hw.h>
#include "esr.h"

STATIC_ASSERT(sizeof(struct trap_frame) % 16 == 0, "SP must stay 16-byte aligned");

#include <generated/hw_names.h>

const char *esr_class_name(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
		return "Unknown/undefined instruction";
	case ESR_EC_WFX:
		return "WFI/WFE";
	case ESR_EC_FP:
		return "FP/SIMD access";
	case ESR_EC_ILLEGAL:
		return "Illegal execution state";
	case ESR_EC_SVC64:
		return "SVC (AArch64)";
	case ESR_EC_HVC64:
		return "HVC (AArch64)";
	case ESR_EC_SMC64:
		return "SMC (AArch64)";
	case ESR_EC_SYSREG:
		return "MSR/MRS/system instruction";
	case ESR_EC_IABT_LOW:
		return "Instruction abort from EL0";
	case ESR_EC_IABT_CUR:
		return "Instruction abort";
	case ESR_EC_PC_ALIGN:
		return "PC alignment fault";
	case ESR_EC_DABT_LOW:
		return "Data abort from EL0";
	case ESR_EC_DABT_CUR:
		return "Data abort";
	case ESR_EC_SP_ALIGN:
		return "SP alignment fault";
	case ESR_EC_SERROR:
		return "SError";
	case ESR_EC_BRK64:
		return "BRK (AArch64)";
	default:
		return "Reserved/unhandled class";
	}
}

const char *arch_trap_name(const struct trap_record *r)
{
	return esr_class_name(r->vector);
}

void arch_trap_dump(const struct trap_frame *tf, const struct cpu *cpu)
{
	unsigned int ec = ESR_EC(tf->esr);

	printk("\nEXCEPTION %s on CPU %u: EC 0x%02x %s, ISS 0x%07lx\n", kind_names[tf->kind & 15],
	       cpu->index, ec, esr_class_name(ec), (unsigned long)ESR_ISS(tf->esr));
	printk("ESR_EL1=%016lx FAR_EL1=%p ELR_EL1=%p SPSR_EL1=%016lx\n", tf->esr, (void *)tf->far,
	       (void *)tf->elr, tf->spsr);
	for (int i = 0; i < 30; i += 2)
		printk("X%-2d=%016lx X%-2d=%016lx\n", i, tf->x[i], i + 1, tf->x[i + 1]);
	printk("X30=%016lx SP =%016lx\n", tf->x[30], tf->sp);
	backtrace_print_from(tf->elr, tf->x[29]);
}

static enum mem_fault abort_kind(unsigned int fsc)
{
	if (fsc == FSC_ALIGNMENT)
		return MEM_FAULT_ALIGNMENT;
	if ((fsc & ~3u) == FSC_TRANSLATION_L(0))
		return MEM_FAULT_UNMAPPED;
	if ((fsc & ~3u) == FSC_PERMISSION_L(0))
		return MEM_FAULT_PROTECTION;
	return MEM_FAULT_OTHER;
}

void arch_trap_decode(struct trap_record *r, const struct trap_frame *tf, const struct cpu *cpu)
{
	unsigned int ec = ESR_EC(tf->esr);
	bool dabt = ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW;
	bool iabt = ec == ESR_EC_IABT_CUR || ec == ESR_EC_IABT_LOW;

	r->vector = ec;
	r->error = tf->esr;
	r->pc = tf->elr;
	r->fault_addr = 0;
	r->fault = MEM_FAULT_NONE;
	if (dabt || iabt) {
		r->fault_addr = tf->far;
		r->fault = abort_kind(ESR_ABT_FSC(tf->esr));
	} else if (ec == ESR_EC_PC_ALIGN) {
		r->fault_addr = tf->far;
		r->fault = MEM_FAULT_ALIGNMENT;
	}
	r->fault_write = dabt && (tf->esr & ESR_ABT_WNR);
	r->fault_exec = iabt;
	r->frame = (uintptr_t)tf;
	r->depth = cpu->trap_depth;
}

/*
 * From user mode: svc is a system call, any other synchronous exception
 * kills the process, an interrupt is an interrupt. AArch32 user mode is
 * never entered (the loader takes AArch64 executables only): if it were, its
 * exceptions would kill the process too.
 */
bool trap_dispatch(struct trap_frame *tf, struct cpu *cpu)
{
	trap_probe_call(trap_probe, tf, cpu);
	switch (tf->kind) {
	case TRAP_EL1H_SYNC:
		tf->elr = trap_exception(tf, cpu, tf->elr);
		break;
	case TRAP_EL1H_IRQ:
	case TRAP_EL0_64_IRQ:
		return irq_entry(0);
	case TRAP_EL0_64_SYNC:
		if (ESR_EC(tf->esr) == ESR_EC_SVC64)
			syscall_dispatch(tf, cpu);
		else
			trap_user_exception(tf, cpu);
		break;
	case TRAP_EL0_32_SYNC:
	case TRAP_EL0_32_IRQ:
		/* Never a breakpoint the kernel skips: AArch32 code has no process that asked. */
		trap_user_exception(tf, cpu);
		panic("an AArch32 exception survived");
	default:
		arch_trap_dump(tf, cpu);
		panic("unexpected exception: %s", kind_names[tf->kind & 15]);
	}
	return false;
}

__noreturn void trap_emergency(struct trap_frame *tf, struct cpu *cpu);

/*
 * From the stackswitch component's emergency stack: an SError, or an
 * exception whose own stack cannot be trusted (taken in the overflow
 * stack's guard). Never returns.
 */
__noreturn void trap_emergency(struct trap_frame *tf, struct cpu *cpu)
{
	bool serror = ESR_EC(tf->esr) == ESR_EC_SERROR;

	/* The stackswitch component builds the frame at the top of the emergency stack. */
	BUG_ON((uintptr_t)(tf + 1) != cpu->arch.emergency_sp);
	tf->kind = serror ? TRAP_EL1H_SERROR : TRAP_EL1H_SYNC;
	arch_trap_dump(tf, cpu);
	if (serror)
		panic("SError at %p (reported from the emergency stack)", (void *)tf->elr);
	panic("the overflow stack overflowed: exception at %p, sp %p", (void *)tf->elr,
	      (void *)tf->sp);
}

/* brk is a fault: ELR still names it. */
bool arch_user_breakpoint_skip(struct trap_frame *tf)
{
	if (ESR_EC(tf->esr) != ESR_EC_BRK64)
		return false;
	tf->elr += 4;
	return true;
}
