/* struct cpu's x86_64 fields the generated entry code uses. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(CPU_SYSCALL_SP, cpu, arch.syscall_sp);
	OFFSET(CPU_SYSCALL_USER_SP, cpu, arch.syscall_user_sp);
}
