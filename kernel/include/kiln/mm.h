/* The kernel address space: built once at boot from the memory map. */
#ifndef KILN_MM_H
#define KILN_MM_H

#include <kiln/boot.h>
#include <kiln/pgtable.h>

extern pte_t *kernel_pgtable;

/*
 * Build the final kernel page tables and switch to them: RAM in the
 * direct/linear map (2 MiB pages, no execute), the kernel image in 4 KiB
 * pages with W^X per section, an unmapped guard page below the boot stack,
 * and every MMIO window mapped so far as device memory.
 */
void mm_init(const struct boot_info *bi);

/*
 * Map MMIO registers as device memory; returns their virtual address. Works
 * before mm_init() too (the boot tables map the low 4 GiB): such windows are
 * remembered and mapped again in the final tables.
 */
void *mmu_map_mmio(paddr_t pa, size_t size);

#endif
