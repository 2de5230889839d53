/*
 * Secondary CPUs: the MADT's list, read at boot (platform/acpi.h), and
 * INIT-SIPI-SIPI through the local APIC to the arch's trampoline
 * (arch/ap_boot.h). Their interrupt set-up and IPIs are in pic.c.
 */
#include <kiln/arch.h>
#include <kiln/boot.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <arch/ap_boot.h>
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <platform/acpi.h>

/*
 * The SDM's delays (MP initialization): after INIT, and after each start-up
 * IPI. They date from discrete local APICs: as Linux does, CPUs from Intel
 * family 6 and AMD family 0xF on (every such CPU with long mode) go without
 * the INIT wait and wait 10 us after a start-up IPI; other vendors' get the
 * SDM's figures.
 */
#define INIT_DELAY_US	     10000
#define SIPI_DELAY_US	     200
#define MODERN_SIPI_DELAY_US 10
/*
 * How long a started CPU has to reach its block: a few hundred instructions
 * in the trampoline, but a vCPU thread may wait its turn on a loaded host.
 */
#define ANSWER_TIMEOUT_US 1000000

static unsigned int listed[ACPI_XAPIC_ID_MAX + 1];
static unsigned int nr_listed;

/* While the boot page tables are live, the direct map covers the low 4 GiB. */
static const void *boot_map(const struct acpi_mem *mem, paddr_t pa, size_t len)
{
	(void)mem;
	return pa < BOOT_MAP_SIZE && len <= BOOT_MAP_SIZE - pa ? phys_to_virt(pa) : NULL;
}

static bool in_ram(const struct boot_info *bi, paddr_t start, paddr_t end)
{
	for (size_t i = 0; i < bi->nram; i++)
		if (bi->ram[i].start <= start && end <= bi->ram[i].end)
			return true;
	return false;
}

void cpus_discover(const struct boot_info *bi, paddr_t rsdp)
{
	static const struct acpi_mem mem = {boot_map};
	struct acpi_cpus found;

	if (!rsdp)
		rsdp = acpi_find_rsdp(&mem);
	if (acpi_madt_cpus(&mem, rsdp, listed, ARRAY_SIZE(listed), &found)) {
		if (found.fault == ACPI_NOT_FOUND)
			printk("acpi: no %s found", found.table);
		else
			printk("acpi: %s at 0x%llx refused: %s", found.table,
			       (unsigned long long)found.table_pa, acpi_fault_str(found.fault));
		printk("; only the boot CPU runs\n");
		return;
	}
	if (found.x2apic_only)
		printk("acpi: %u CPUs with an APIC ID above %u skipped: the local APIC runs in "
		       "xAPIC mode\n",
		       found.x2apic_only, ACPI_XAPIC_ID_MAX);
	if (!in_ram(bi, AP_TRAMPOLINE_PA, AP_TRAMPOLINE_PA + PAGE_SIZE)) {
		printk("smp: no RAM at 0x%x for the start-up trampoline; only the boot CPU runs\n",
		       AP_TRAMPOLINE_PA);
		return;
	}
	nr_listed = MIN(found.n, ARRAY_SIZE(listed));
}

unsigned int platform_cpu_list(unsigned int *hwids, unsigned int max)
{
	if (!nr_listed) {
		if (max)
			hwids[0] = cpus[0].hwid;
		return 1;
	}
	for (unsigned int i = 0; i < nr_listed && i < max; i++)
		hwids[i] = listed[i];
	return nr_listed;
}

static uint64_t us_to_cycles(uint64_t us)
{
	return platform_cycles_per_sec() * us / 1000000;
}

static void delay_us(uint64_t us)
{
	uint64_t start = arch_cycles();

	while (arch_cycles() - start < us_to_cycles(us))
		arch_cpu_relax();
}

static bool integrated_apic(void)
{
	uint32_t vendor[4], sig[4], family;

	cpuid(0, 0, vendor);
	cpuid(1, 0, sig);
	family = (sig[0] >> 8) & 0xf;
	if (family == 0xf)
		family += (sig[0] >> 20) & 0xff;
	if (vendor[1] == 0x756e6547 && vendor[3] == 0x49656e69 && vendor[2] == 0x6c65746e)
		return family >= 6; /* GenuineIntel */
	if (vendor[1] == 0x68747541 && vendor[3] == 0x69746e65 && vendor[2] == 0x444d4163)
		return family >= 0xf; /* AuthenticAMD */
	return false;
}

/* True once the CPU has taken its block (arch/ap_boot.h), false if it never does. */
static bool wait_answer(const struct cpu *cpu)
{
	uint64_t start = arch_cycles();

	while (!ap_boot_taken()) {
		if (arch_cycles() - start > us_to_cycles(ANSWER_TIMEOUT_US) && ap_boot_cancel()) {
			printk("smp: CPU %u (APIC ID 0x%x) did not answer start-up IPIs in %u ms\n",
			       cpu->index, cpu->hwid, ANSWER_TIMEOUT_US / 1000);
			return false;
		}
		arch_cpu_relax();
	}
	return true;
}

/*
 * INIT, then up to two start-up IPIs as the SDM has it (the second only if
 * the first went unanswered), then wait for the CPU to take its block.
 */
bool platform_cpu_start(struct cpu *cpu, uintptr_t stack_top)
{
	unsigned int page = ap_boot_prepare(cpu, stack_top);
	bool modern = integrated_apic();

	lapic_send_init(cpu->hwid);
	if (!modern)
		delay_us(INIT_DELAY_US);
	for (int sipi = 0; sipi < 2 && !ap_boot_taken(); sipi++) {
		lapic_send_startup(cpu->hwid, page);
		delay_us(modern ? MODERN_SIPI_DELAY_US : SIPI_DELAY_US);
	}
	return wait_answer(cpu);
}
