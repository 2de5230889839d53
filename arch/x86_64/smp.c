/*
 * A secondary CPU's start: the block its trampoline reads (arch/ap_boot.h)
 * and its C entry, which runs the boot CPU's own per-CPU set-up.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/mm.h>
#include <kiln/platform.h>
#include <kiln/smp.h>
#include <kiln/string.h>
#include <arch/ap_boot.h>
#include "setup.h"

extern const char ap_trampoline[], ap_trampoline_end[];

STATIC_ASSERT(AP_TRAMPOLINE_PA % PAGE_SIZE == 0 && AP_TRAMPOLINE_PA < 0x100000,
	      "a start-up IPI names a page below 1 MiB");

struct ap_boot ap_boot;

unsigned int ap_boot_prepare(struct cpu *cpu, uintptr_t stack_top)
{
	memcpy(phys_to_virt(AP_TRAMPOLINE_PA), ap_trampoline, ap_trampoline_end - ap_trampoline);
	ap_boot.cr3 = virt_to_phys(kernel_pgtable);
	ap_boot.stack_top = stack_top;
	ap_boot.hwid = cpu->hwid;
	__atomic_store_n(&ap_boot.cpu, cpu, __ATOMIC_RELEASE);
	return AP_TRAMPOLINE_PA >> PAGE_SHIFT;
}

bool ap_boot_taken(void)
{
	return !__atomic_load_n(&ap_boot.cpu, __ATOMIC_ACQUIRE);
}

bool ap_boot_cancel(void)
{
	return __atomic_exchange_n(&ap_boot.cpu, NULL, __ATOMIC_ACQ_REL) != NULL;
}

__noreturn void arch_secondary_start(struct cpu *cpu)
{
	arch_cpu_init(cpu);
	platform_cpu_init();
	smp_secondary_main(cpu);
}
