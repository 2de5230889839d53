/* x86_64 address translation: the direct map and the kernel image mapping. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/layout.h>
#include <kiln/types.h>

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

/* Works for direct-map addresses and for addresses inside the kernel image. */
static inline paddr_t virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}

#endif
