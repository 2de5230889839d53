/* Stack canaries: GCC's -mstack-protector-guard=global reads __stack_chk_guard. */
#include <kiln/arch.h>
#include <kiln/panic.h>
#include <kiln/stackprotector.h>

uintptr_t __stack_chk_guard;

__noreturn void __stack_chk_fail(void);

__noreturn void __stack_chk_fail(void)
{
	panic("stack protector: canary corrupted in the function returning to %p",
	      __builtin_return_address(0));
}

__attribute__((no_stack_protector)) void stackprotector_init(void)
{
	/* A zero byte first stops string overflows from reproducing the canary. */
	__stack_chk_guard = arch_random_seed() & ~(uintptr_t)0xff;
}
