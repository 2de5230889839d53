/* QEMU virt board facts and the platform's internal interfaces. */
#ifndef PLATFORM_BOARD_H
#define PLATFORM_BOARD_H

#include <kiln/fdt.h>
#include <kiln/types.h>

/* Used before the device tree is parsed; the DTB's pl011 node takes over after. */
#define VIRT_PL011_PA 0x09000000

void pl011_set_base(paddr_t pa);

/* The device tree found at boot (valid after platform_boot_info()). */
extern struct fdt board_fdt;

/*
 * CPU discovery (smp.c): the MPIDR affinity ("reg") of every enabled CPU
 * node of /cpus, in device-tree order, the first BOARD_MAX_CPUS of them.
 */
#define BOARD_MAX_CPUS 256
extern uint64_t board_cpu_mpidr[BOARD_MAX_CPUS];
extern unsigned int board_nr_cpus;
void board_parse_cpus(const struct fdt *fdt);

/* PSCI status codes (negative) and the functions the kernel calls. */
enum {
	PSCI_SUCCESS = 0,
	PSCI_NOT_SUPPORTED = -1,
	PSCI_INVALID_PARAMETERS = -2,
	PSCI_DENIED = -3,
	PSCI_ALREADY_ON = -4,
	PSCI_ON_PENDING = -5,
	PSCI_INTERNAL_FAILURE = -6,
	PSCI_NOT_PRESENT = -7,
	PSCI_DISABLED = -8,
	PSCI_INVALID_ADDRESS = -9,
};

void psci_init(const struct fdt *fdt);
__noreturn void psci_system_off(void);
uint32_t psci_version(void);
/* CPU_ON: start the CPU with affinity mpidr at physical address entry, x0 = context. */
int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);
/* The status's name as the PSCI specification spells it (ALREADY_ON...). */
const char *psci_strerror(int err);

/* Periodic virtual-timer interrupts at CONFIG_HZ, feeding clock_tick(), on the boot CPU. */
void timer_init(const struct fdt *fdt);
/* The same on this CPU: each CPU has its own timer and takes its own ticks. */
void timer_cpu_init(void);

#endif
