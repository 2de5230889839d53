/* From the boot assembly to kernel_main(): vectors, per-CPU data, boot info. */
#include <kiln/arch.h>
#include <kiln/boot.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <arch/sysreg.h>

#define ID_AA64ISAR0_RNDR(v) (((v) >> 60) & 0xf)

extern char exception_vectors[];

/*
 * Where the vectors go when a kernel stack overflowed: one stack per CPU,
 * indexed by cpu->index, its top in cpu->arch.overflow_sp.
 */
static uint8_t overflow_stacks[CONFIG_NR_CPUS][1 << OVERFLOW_STACK_SHIFT] __aligned(16);

uint64_t arch_random_seed(void)
{
	uint64_t val;
	bool ok = false;

	if (ID_AA64ISAR0_RNDR(read_sysreg(id_aa64isar0_el1)))
		for (int tries = 0; tries < 10 && !ok; tries++)
			asm volatile("mrs %0, s3_3_c2_c4_0\n\tcset %w1, ne" : "=r"(val), "=r"(ok));
	return ok ? val : arch_cycles() * 0x9e3779b97f4a7c15ull;
}

static void arch_cpu_init(struct cpu *cpu)
{
	cpu->hwid = arch_cpu_hwid();
	cpu->arch.mpidr = read_sysreg(mpidr_el1);
	cpu->arch.overflow_sp = (uintptr_t)overflow_stacks[cpu->index] + sizeof(overflow_stacks[0]);
	percpu_install(cpu);
}

__noreturn void arch_start(paddr_t boot_param)
{
	struct boot_info *bi;

	write_sysreg(vbar_el1, (uintptr_t)exception_vectors);
	isb();
	platform_console_init();
	cpus[0].index = 0;
	arch_cpu_init(&cpus[0]);
	bi = platform_boot_info(boot_param);
	kernel_main(bi);
}
