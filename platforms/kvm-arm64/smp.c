/*
 * Secondary CPUs on QEMU virt: the device tree's /cpus nodes, PSCI CPU_ON
 * to start one, and each CPU's own GIC interface and timer.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/string.h>
#include <arch/smp.h>
#include <platform/board.h>
#include <platform/irqchip.h>

uint64_t board_cpu_mpidr[BOARD_MAX_CPUS];
unsigned int board_nr_cpus;
/* Why board_cpu_mpidr[i] cannot be started (NULL: it can), and the CPU nodes beyond the array. */
static const char *cannot_start[BOARD_MAX_CPUS];
static unsigned int cpus_not_kept;

/* "status" absent, "okay" or "ok": the CPU is there; "disabled" (or "fail") is not. */
static bool node_enabled(const struct fdt *fdt, int node)
{
	const char *status = fdt_getprop_str(fdt, node, "status");

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

static const char *why_not_startable(const struct fdt *fdt, int node, uint64_t mpidr)
{
	const char *method = fdt_getprop_str(fdt, node, "enable-method");

	if (!mpidr_hwid_fits(mpidr))
		return "its affinity does not pack into a CPU id (arch/hwid.h)";
	if (!method || strcmp(method, "psci"))
		return "its enable-method is not psci";
	return NULL;
}

/* CPU nodes: "reg" is the MPIDR affinity value PSCI CPU_ON and the GIC use. */
void board_parse_cpus(const struct fdt *fdt)
{
	for (int node = fdt_first_child(fdt, fdt_path_offset(fdt, "/cpus")); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		const char *type = fdt_getprop_str(fdt, node, "device_type");
		uint64_t mpidr, unused;
		if (!type || strcmp(type, "cpu") || fdt_get_reg(fdt, node, 0, &mpidr, &unused) ||
		    !node_enabled(fdt, node))
			continue;
		if (board_nr_cpus == BOARD_MAX_CPUS) {
			cpus_not_kept++;
			continue;
		}
		cannot_start[board_nr_cpus] = why_not_startable(fdt, node, mpidr);
		board_cpu_mpidr[board_nr_cpus++] = mpidr;
	}
	if (!board_nr_cpus)
		panic("boot: the device tree has no CPU nodes");
}

static bool is_boot_cpu(uint64_t mpidr)
{
	return mpidr == (read_sysreg(mpidr_el1) & MPIDR_AFFINITY);
}

unsigned int platform_cpu_list(unsigned int *hwids, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < board_nr_cpus; i++) {
		if (cannot_start[i] && !is_boot_cpu(board_cpu_mpidr[i])) {
			printk("smp: CPU with MPIDR 0x%llx left parked: %s\n",
			       (unsigned long long)board_cpu_mpidr[i], cannot_start[i]);
			continue;
		}
		if (n < max)
			hwids[n] = mpidr_to_hwid(board_cpu_mpidr[i]);
		n++;
	}
	if (cpus_not_kept)
		printk("smp: %u CPU nodes beyond the first %d left parked\n", cpus_not_kept,
		       BOARD_MAX_CPUS);
	return n;
}

/* The startable CPU node whose affinity packs into hwid. */
static bool hwid_to_mpidr(unsigned int hwid, uint64_t *mpidr)
{
	for (unsigned int i = 0; i < board_nr_cpus; i++) {
		if (!cannot_start[i] && mpidr_to_hwid(board_cpu_mpidr[i]) == hwid) {
			*mpidr = board_cpu_mpidr[i];
			return true;
		}
	}
	return false;
}

bool platform_cpu_start(struct cpu *cpu, uintptr_t stack_top)
{
	uint64_t mpidr, context;
	paddr_t entry;
	int err;

	if (!hwid_to_mpidr(cpu->hwid, &mpidr)) {
		printk("smp: CPU %u: no startable CPU node with hw id 0x%x\n", cpu->index,
		       cpu->hwid);
		return false;
	}
	entry = arm64_secondary_entry(cpu, stack_top, &context);
	err = psci_cpu_on(mpidr, entry, context);
	if (err != PSCI_SUCCESS) {
		printk("smp: CPU %u (MPIDR 0x%llx): PSCI CPU_ON failed: %s (%d)\n", cpu->index,
		       (unsigned long long)mpidr, psci_strerror(err), err);
		return false;
	}
	return true;
}

void platform_cpu_init(void)
{
	irqchip_cpu_init();
	timer_cpu_init();
}
