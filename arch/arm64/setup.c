/* From the boot assembly to kernel_main(): vectors, per-CPU data, boot info. */
#include <kiln/arch.h>
#include <kiln/boot.h>
#include <kiln/cpu.h>
#include <kiln/kstack.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <arch/sysreg.h>
#include "cpu.h"

#define ID_AA64ISAR0_RNDR(v) (((v) >> 60) & 0xf)
#define ID_AA64MMFR1_PAN(v)  (((v) >> 20) & 0xf)
#define SCTLR_SPAN	     (1ull << 23)
#define CNTKCTL_EL0VCTEN     (1ull << 1)

extern char exception_vectors[];

bool arm64_pan;

/*
 * Where a fatal exception that cannot trust its stack is reported (an
 * SError, an overflow of the overflow stack): one stack per CPU, indexed by
 * cpu->index, its top in cpu->arch.emergency_sp.
 */
static uint8_t emergency_stacks[CONFIG_NR_CPUS][1 << EMERGENCY_STACK_SHIFT] __aligned(16);

uint64_t arch_random_seed(void)
{
	uint64_t val;
	bool ok = false;

	if (ID_AA64ISAR0_RNDR(read_sysreg(id_aa64isar0_el1)))
		for (int tries = 0; tries < 10 && !ok; tries++)
			asm volatile("mrs %0, s3_3_c2_c4_0\n\tcset %w1, ne" : "=r"(val), "=r"(ok));
	return ok ? val : arch_cycles() * 0x9e3779b97f4a7c15ull;
}

/*
 * PAN on when the CPU has it (arm64_pan, found by the boot CPU): EL1
 * accesses to user pages fault outside arch_user_access_begin/end(), and
 * SCTLR_EL1.SPAN = 0 sets PSTATE.PAN again on every exception taken to EL1.
 */
static void pan_enable(void)
{
	if (!arm64_pan)
		return;
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_SPAN);
	isb();
	asm volatile(".arch_extension pan\n\tmsr pan, #1" : : : "memory");
}

void arm64_cpu_init(struct cpu *cpu)
{
	write_sysreg(vbar_el1, (uintptr_t)exception_vectors);
	isb();
	pan_enable();
	/* User mode may read the virtual counter (CNTVCT_EL0), as Linux's vDSO does. */
	write_sysreg(cntkctl_el1, read_sysreg(cntkctl_el1) | CNTKCTL_EL0VCTEN);
	cpu->arch.mpidr = read_sysreg(mpidr_el1);
	cpu->arch.emergency_sp =
		(uintptr_t)emergency_stacks[cpu->index] + sizeof(emergency_stacks[0]);
	/* Until the overflow stack is mapped, an overflow is reported from the emergency stack. */
	cpu->arch.overflow_sp = cpu->arch.emergency_sp;
	percpu_install(cpu);
}

/*
 * The overflow stack is a kernel stack like the threads' (kiln/kstack.h),
 * with its own guard, so the vectors' overflow test covers it too.
 */
void arch_cpu_overflow_stack_init(struct cpu *cpu)
{
	uintptr_t base = kstack_alloc();

	if (!base)
		panic("arm64: no memory for CPU %u's overflow stack", cpu->index);
	cpu->arch.overflow_sp = base + KSTACK_SIZE;
}

__noreturn void arch_start(paddr_t boot_param)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	struct boot_info *bi;

	arm64_pan = ID_AA64MMFR1_PAN(read_sysreg(id_aa64mmfr1_el1)) != 0;
	cpus[0].index = 0;
	cpus[0].hwid = arch_cpu_hwid();
	arm64_cpu_init(&cpus[0]);
	platform_console_init();
	if (!mpidr_hwid_fits(mpidr))
		panic("arm64: boot CPU MPIDR 0x%lx does not pack into a CPU id (arch/hwid.h)",
		      (unsigned long)mpidr);
	printk("arm64: PAN: %s\n",
	       arm64_pan ? "on" : "not on this CPU (user memory is open to the kernel)");
	bi = platform_boot_info(boot_param);
	kernel_main(bi);
}
