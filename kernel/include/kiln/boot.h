/* What the platform's boot protocol tells the kernel, and the boot sequence hooks. */
#ifndef KILN_BOOT_H
#define KILN_BOOT_H

#include <kiln/compiler.h>
#include <kiln/page_alloc.h>
#include <kiln/types.h>

#define BOOT_MAX_RANGES	 32
#define BOOT_CMDLINE_MAX 512

struct boot_info {
	const char *cmdline;
	struct mem_range ram[BOOT_MAX_RANGES]; /* usable RAM */
	size_t nram;
	struct mem_range firmware[BOOT_MAX_RANGES]; /* reported but not RAM (ACPI, MMIO...) */
	size_t nfirmware;
	struct mem_range reserved[BOOT_MAX_RANGES]; /* RAM the allocator must not hand out */
	size_t nreserved;
};

__noreturn void kernel_main(struct boot_info *bi);

#endif
