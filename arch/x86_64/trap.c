/* Trap decoding: exceptions, NMI and IRQs all arrive here from the generated entry code. */
#include <kiln/arch.h>
#include <kiln/backtrace.h>
#include <kiln/cpu.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/trap.h>
#include <arch/cpu.h>
#include <arch/desc.h>
#include <generated/hw.h>

/* The stubs push the vector then the error code right below the CPU's frame. */
STATIC_ASSERT(offsetof(struct trap_frame, error) == offsetof(struct trap_frame, vector) + 8,
	      "stub pushes error code right below the vector");
STATIC_ASSERT(offsetof(struct trap_frame, rip) == offsetof(struct trap_frame, error) + 8,
	      "CPU frame starts right after the error code");
STATIC_ASSERT(sizeof(struct trap_frame) % 16 == 0, "C is called with a 16-byte aligned stack");

#include <generated/hw_names.h>

const char *exception_name(unsigned int vector)
{
	return vector < 32 ? exception_names[vector] : "IRQ";
}

static void dump_page_fault_error(uint64_t err)
{
	printk(" (%s, %s, %s%s)", err & 1 ? "protection" : "not-present",
	       err & 2 ? "write" : "read", err & 4 ? "user" : "kernel",
	       err & 16 ? ", instruction fetch" : "");
}

const char *arch_trap_name(const struct trap_record *r)
{
	return exception_name(r->vector);
}

void arch_trap_dump(const struct trap_frame *tf, const struct cpu *cpu)
{
	printk("\nEXCEPTION %lu %s on CPU %u, error code 0x%lx", (unsigned long)tf->vector,
	       exception_name(tf->vector), cpu->index, (unsigned long)tf->error);
	if (tf->vector == VEC_PAGE_FAULT)
		dump_page_fault_error(tf->error);
	printk("\nRIP=%p CS=%04lx RFLAGS=%016lx\n", (void *)tf->rip, (unsigned long)tf->cs,
	       (unsigned long)tf->rflags);
	printk("RSP=%p SS=%04lx CR2=%p CR3=%p\n", (void *)tf->rsp, (unsigned long)tf->ss,
	       (void *)read_cr2(), (void *)read_cr3());
	printk("RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("RSI=%016lx RDI=%016lx RBP=%016lx R8 =%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk("R9 =%016lx R10=%016lx R11=%016lx R12=%016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	printk("R13=%016lx R14=%016lx R15=%016lx\n", tf->r13, tf->r14, tf->r15);
	backtrace_print_from(tf->rip, tf->rbp);
}

void arch_trap_decode(struct trap_record *r, const struct trap_frame *tf, const struct cpu *cpu)
{
	r->vector = tf->vector;
	r->error = tf->error;
	r->pc = tf->rip;
	r->fault_addr = 0;
	r->fault = MEM_FAULT_NONE;
	/*
	 * A thread that ran into its guard page faults again pushing the #PF
	 * frame there: that is a #DF, and CR2 still names the guard address.
	 */
	if (tf->vector == VEC_PAGE_FAULT || tf->vector == VEC_DOUBLE_FAULT)
		r->fault_addr = read_cr2();
	if (tf->vector == VEC_PAGE_FAULT)
		r->fault = tf->error & PF_PRESENT ? MEM_FAULT_PROTECTION : MEM_FAULT_UNMAPPED;
	else if (tf->vector == VEC_ALIGNMENT_CHECK)
		r->fault = MEM_FAULT_ALIGNMENT;
	r->fault_write = tf->vector == VEC_PAGE_FAULT && (tf->error & PF_WRITE);
	r->fault_exec = tf->vector == VEC_PAGE_FAULT && (tf->error & PF_FETCH);
	r->frame = (uintptr_t)tf;
	r->depth = cpu->trap_depth;
}

/*
 * An exception from user mode is the process's (a #DF is always the
 * kernel's: its saved CS says nothing). RFLAGS.AC is not cleared by the
 * CPU on entry: whatever the interrupted code had (a user's, or the
 * kernel's own inside a user access), the handler runs with SMAP enforced;
 * iretq gives the interrupted code its flag back.
 */
bool trap_dispatch(struct trap_frame *tf, struct cpu *cpu)
{
	arch_user_access_end();
	trap_probe_call(trap_probe, tf, cpu);
	if (tf->vector == VEC_NMI) {
		cpu->nmi_count++;
		cpu->arch.nmi_from_user += arch_frame_from_user(tf);
		arch_trap_decode(&cpu->last_nmi, tf, cpu);
	} else if (tf->vector < VEC_FIRST_IRQ) {
		if (arch_frame_from_user(tf) && tf->vector != VEC_DOUBLE_FAULT) {
			cpu->arch.user_fault_vector = tf->vector;
			trap_user_exception(tf, cpu);
			return false;
		}
		tf->rip = trap_exception(tf, cpu, tf->rip);
	} else {
		return irq_entry(tf->vector);
	}
	return false;
}

/* int3 is a trap: the saved rip is already past it. */
bool arch_user_breakpoint_skip(struct trap_frame *tf)
{
	return tf->vector == VEC_BREAKPOINT;
}
