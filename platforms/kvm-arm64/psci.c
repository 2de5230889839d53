/* PSCI power management through the conduit the device tree names (hvc or smc). */
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/string.h>
#include <platform/board.h>

#define PSCI_VERSION	0x84000000
#define PSCI_SYSTEM_OFF 0x84000008

static bool use_smc;
static bool present;

static uint64_t psci_call(uint64_t fn)
{
	register uint64_t x0 asm("x0") = fn;

	if (use_smc)
		asm volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else
		asm volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
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
	return present ? psci_call(PSCI_VERSION) : 0;
}

__noreturn void psci_system_off(void)
{
	if (present)
		psci_call(PSCI_SYSTEM_OFF);
	for (;;)
		asm volatile("wfi");
}
