/* What the platform's boot protocol tells the kernel, and the boot sequence hooks. */
#ifndef KILN_BOOT_H
#define KILN_BOOT_H

#include <kiln/compiler.h>
#include <kiln/page_alloc.h>
#include <kiln/types.h>

#define BOOT_MAX_RANGES 32
/* Command-line buffer, NUL included: the longest line the kernel takes is 511 bytes. */
#define BOOT_CMDLINE_MAX 512

struct boot_info {
	/*
	 * The whole command line, never a part of it: when cmdline_len (the length the boot
	 * protocol delivered; SIZE_MAX if too long to tell) does not fit, cmdline stays empty and
	 * kernel_main() refuses to run.
	 */
	char cmdline[BOOT_CMDLINE_MAX];
	size_t cmdline_len;
	struct mem_range ram[BOOT_MAX_RANGES]; /* usable RAM */
	size_t nram;
	struct mem_range firmware[BOOT_MAX_RANGES]; /* reported but not RAM (ACPI, MMIO...) */
	size_t nfirmware;
	struct mem_range reserved[BOOT_MAX_RANGES]; /* RAM the allocator must not hand out */
	size_t nreserved;
};

/*
 * For the platform: take the len-byte command line at src, or only note its length when it
 * does not fit (src is not read then).
 */
void boot_set_cmdline(struct boot_info *bi, const char *src, size_t len);

__noreturn void kernel_main(struct boot_info *bi);

#endif
