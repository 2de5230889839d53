/* PSCI power management through the conduit the device tree names (hvc or smc). */
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/string.h>
#include <platform/board.h>

#define PSCI_VERSION	0x84000000
#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_CPU_ON	0xc4000003 /* SMC64: 64-bit MPIDR, entry and context */

static bool use_smc;
static bool present;

/* SMCCC: arguments in x1-x3, the result in x0; x4-x17 may come back changed. */
#define PSCI_CLOBBERS                                                                        \
	"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", \
		"x17", "memory"

static uint64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 asm("x0") = fn;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	if (use_smc)
		asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : PSCI_CLOBBERS);
	else
		asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : PSCI_CLOBBERS);
	return x0;
}

void psci_init(const struct fdt *fdt)
{
	int node = fdt_path_offset(fdt, "/psci");
	const char *method;

	if (node < 0)
		return;
	method = fdt_getprop_str(fdt, node, "method");
	if (!method || (strcmp(method, "hvc") && strcmp(method, "smc")))
		panic("psci: unsupported conduit '%s'", method ? method : "(none)");
	use_smc = !strcmp(method, "smc");
	present = true;
}

uint32_t psci_version(void)
{
	return present ? psci_call(PSCI_VERSION, 0, 0, 0) : 0;
}

/* Without PSCI (e.g. -M virt,secure=on) nothing can start a CPU. */
int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context)
{
	if (!present)
		return PSCI_NOT_SUPPORTED;
	return (int32_t)psci_call(PSCI_CPU_ON, mpidr, entry, context);
}

const char *psci_strerror(int err)
{
	static const char *const names[] = {
		"SUCCESS",    "NOT_SUPPORTED",	 "INVALID_PARAMETERS", "DENIED",
		"ALREADY_ON", "ON_PENDING",	 "INTERNAL_FAILURE",   "NOT_PRESENT",
		"DISABLED",   "INVALID_ADDRESS",
	};

	return err <= 0 && -err < (int)ARRAY_SIZE(names) ? names[-err] : "an unknown PSCI status";
}

__noreturn void psci_system_off(void)
{
	if (present)
		psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("wfi");
}
