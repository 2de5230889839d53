/* Leaving the kernel for user mode the first time. */
#include <kiln/arch.h>
#include <kiln/cpu.h>

__noreturn void user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg, uintptr_t kernel_sp);

/* The TLS register starts at zero, as its stored copy says (the switch keeps them in step). */
__noreturn void arch_enter_user(uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	arch_irq_disable();
	thread_current()->tls = 0;
	user_enter(pc, sp, arg, this_cpu()->arch.user_entry_sp);
}
