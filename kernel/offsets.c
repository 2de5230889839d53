/* Layout of arch-neutral structures for assembly. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>
#include <kiln/thread.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(CPU_SELF, cpu, self);
	OFFSET(CPU_TRAP_DEPTH, cpu, trap_depth);
	DEFINE(CPU_SIZE, sizeof(struct cpu));
	OFFSET(THREAD_SAVED_SP, thread, saved_sp);
	OFFSET(THREAD_TLS, thread, tls);
	OFFSET(THREAD_TLS_AUX, thread, tls_aux);
	OFFSET(THREAD_PROCESS, thread, process);
	OFFSET(THREAD_TRAP_DEPTH, thread, trap_depth);
	OFFSET(THREAD_ON_CPU, thread, on_cpu);
}
