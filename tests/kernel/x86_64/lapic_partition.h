/* For tests whose process sends itself NMIs. */
#ifndef TESTS_KERNEL_X86_64_LAPIC_PARTITION_H
#define TESTS_KERNEL_X86_64_LAPIC_PARTITION_H

#include <kiln/domain.h>
#include <arch/lapic.h>
#include "../../user/x86_64/x86_user.h"

/* The local APIC's registers at X86_USER_LAPIC_VA, a device partition. */
static inline const struct mem_partition *lapic_partition(void)
{
	static struct mem_partition lapic;

	lapic = (struct mem_partition){X86_USER_LAPIC_VA, PAGE_SIZE,
				       PROT_READ | PROT_WRITE | PROT_DEVICE,
				       virt_to_phys((void *)lapic_mmio)};
	return &lapic;
}

#endif
