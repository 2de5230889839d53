/*
 * stackswitch/auxsp: each CPU runs interrupt handlers on its IRQ stack and
 * exception handlers on its trap stack, both guarded kernel stacks (kiln/
 * kstack.h), so the one-bit overflow test of the arm64 vectors and the #DF
 * of x86_64 cover them as they cover thread stacks.
 */
#include <kiln/cpu.h>
#include <kiln/kstack.h>
#include <kiln/panic.h>
#include <kiln/stackswitch.h>

static uintptr_t handler_stack(struct cpu *cpu, const char *what)
{
	uintptr_t base = kstack_alloc();

	if (!base)
		panic("stackswitch/auxsp: no memory for CPU %u's %s stack", cpu->index, what);
	return base + KSTACK_SIZE;
}

void stackswitch_cpu_init(struct cpu *cpu)
{
	cpu->irq_stack_top = handler_stack(cpu, "IRQ");
	cpu->trap_stack_top = handler_stack(cpu, "trap");
}
