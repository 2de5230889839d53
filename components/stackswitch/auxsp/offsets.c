/* What the auxsp entry hooks read of struct cpu: the handler stacks. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(CPU_IRQ_STACK, cpu, irq_stack_top);
	OFFSET(CPU_TRAP_STACK, cpu, trap_stack_top);
}
