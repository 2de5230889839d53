/* From the boot assembly to kernel_main(): vectors, per-CPU data, boot info. */
#include <kiln/boot.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>

#define ID_AA64ISAR0_RNDR(v) (((v) >> 60) & 0xf)

extern char exception_vectors[];

void arch_start(paddr_t boot_param);

uint64_t arch_random_seed(void)
{
	uint64_t val;
	bool ok = false;

	if (ID_AA64ISAR0_RNDR(read_sysreg(id_aa64isar0_el1)))
		for (int tries = 0; tries < 10 && !ok; tries++)
			asm volatile("mrs %0, s3_3_c2_c4_0\n\tcset %w1, ne" : "=r"(val), "=r"(ok));
	return ok ? val : arch_cycles() * 0x9e3779b97f4a7c15ull;
}

__noreturn void arch_start(paddr_t boot_param)
{
	struct boot_info *bi;

	write_sysreg(vbar_el1, (uintptr_t)exception_vectors);
	isb();
	platform_console_init();
	cpus[0].index = 0;
	cpus[0].hwid = arch_cpu_hwid();
	cpus[0].arch.mpidr = read_sysreg(mpidr_el1);
	percpu_install(&cpus[0]);
	bi = platform_boot_info(boot_param);
	kernel_main(bi);
}
