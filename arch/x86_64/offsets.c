/* Structure fields x86_64 assembly uses: struct cpu's (entry code; ENTRY_PAGE_CPU: the paranoid
 * entry finds its struct cpu with sgdt), struct ap_boot's. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>
#include <arch/ap_boot.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(ENTRY_PAGE_CPU, x86_entry_page, cpu);
	OFFSET(ENTRY_PAGE_KERNEL_CR3, x86_entry_page, kernel_cr3);
	OFFSET(CPU_SYSCALL_SP, cpu, arch.syscall_sp);
	OFFSET(CPU_SYSCALL_USER_SP, cpu, arch.syscall_user_sp);
	OFFSET(AP_BOOT_CR3, ap_boot, cr3);
	OFFSET(AP_BOOT_STACK_TOP, ap_boot, stack_top);
	OFFSET(AP_BOOT_HWID, ap_boot, hwid);
	OFFSET(AP_BOOT_CPU, ap_boot, cpu);
}
