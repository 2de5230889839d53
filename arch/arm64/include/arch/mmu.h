/* arm64 address translation: one linear map for RAM and the kernel image. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/layout.h>
#include <kiln/types.h>

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + LINEAR_MAP_BASE);
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (uintptr_t)va - LINEAR_MAP_BASE;
}

#endif
