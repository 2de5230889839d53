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
/* MPIDR affinity of every CPU node, in device-tree order. */
extern uint64_t board_cpu_mpidr[];
extern unsigned int board_nr_cpus;

void psci_init(const struct fdt *fdt);
__noreturn void psci_system_off(void);
uint32_t psci_version(void);

/* Periodic virtual-timer interrupts at CONFIG_HZ, feeding clock_tick(). */
void timer_init(const struct fdt *fdt);

#endif
