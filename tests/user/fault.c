/*
 * Faults on purpose: arg picks which. Each must kill this process only
 * (status KILN_STATUS_FAULT); reaching the end returns 0, a failure.
 */
#include <kiln/user.h>

#define KERNEL_ADDR 0xffffff8000000000ul

static const int ro_data = 1;
static unsigned char data_code[16];

enum fault {
	FAULT_NULL_READ = 1,
	FAULT_RODATA_WRITE,
	FAULT_KERNEL_READ,
	FAULT_KERNEL_JUMP,
	FAULT_EXEC_DATA,
	FAULT_TRAP,
	FAULT_COUNT,
};

int main(unsigned long arg)
{
	volatile int *p;

	switch (arg) {
	case FAULT_NULL_READ:
		p = (volatile int *)0;
		return *p;
	case FAULT_RODATA_WRITE:
		*(volatile int *)&ro_data = 2;
		break;
	case FAULT_KERNEL_READ:
		p = (volatile int *)KERNEL_ADDR;
		return *p;
	case FAULT_KERNEL_JUMP:
		((void (*)(void))KERNEL_ADDR)();
		break;
	case FAULT_EXEC_DATA:
		((void (*)(void))(uintptr_t)data_code)();
		break;
	case FAULT_TRAP:
		__builtin_trap();
	}
	printf("fault %lu: still alive\n", arg);
	return 0;
}
