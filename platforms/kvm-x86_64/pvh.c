/* PVH boot protocol: the command line and E820-style memory map from hvm_start_info. */
#include <kiln/boot.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/string.h>
#include <arch/ap_boot.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <platform/acpi.h>

#define HVM_START_MAGIC 0x336ec578
#define E820_RAM	1
#define REAL_MODE_END	0x100000

STATIC_ASSERT(AP_TRAMPOLINE_PA + PAGE_SIZE <= REAL_MODE_END, "the trampoline page stays reserved");

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

extern char _kernel_end[];

static struct boot_info boot_info;

static void add_range(struct mem_range *ranges, size_t *n, paddr_t start, paddr_t end)
{
	if (*n == BOOT_MAX_RANGES)
		panic("boot: more than %d memory ranges", BOOT_MAX_RANGES);
	ranges[(*n)++] = (struct mem_range){start, end};
}

/*
 * QEMU 7.2's PVH option ROM (pvh.bin), which runs before the kernel, reads the whole -append
 * string from fw_cfg into its 4096-byte cmdline_buffer without a bound. On q35 and pc that
 * buffer is at 0x11c0 and the ROM's own start_info at 0x21e0, 32 bytes past its end: a line
 * of 4128 bytes or more overwrites start_info (magic first). The ROM fills cmdline_paddr in
 * after the copy, so that field survives: if it points below start_info and the string there
 * runs, without a NUL, up to start_info, the command line is what overwrote it. (Beyond
 * about 23,800 bytes the overrun reaches the ROM's stack and the kernel never runs:
 * scripts/qemu-run.py refuses lines that overrun the buffer at all.)
 */
static bool start_info_overwritten_by_cmdline(const struct hvm_start_info *si, paddr_t param)
{
	paddr_t cl = si->cmdline_paddr;

	return cl && cl < param && strnlen(phys_to_virt(cl), param - cl) == param - cl;
}

struct boot_info *platform_boot_info(paddr_t param)
{
	const struct hvm_start_info *si = phys_to_virt(param);
	const struct hvm_memmap_entry *map;

	if (si->magic != HVM_START_MAGIC && start_info_overwritten_by_cmdline(si, param)) {
		printk("boot: the command line overran QEMU's PVH buffer onto start_info at %p\n",
		       (void *)param);
		/* Its length is lost, and so is the memory map: kernel_main() stops at this. */
		boot_set_cmdline(&boot_info, NULL, SIZE_MAX);
		return &boot_info;
	}
	if (si->magic != HVM_START_MAGIC)
		panic("boot: bad PVH start_info magic 0x%x at %p", si->magic, (void *)param);
	if (si->version < 1 || !si->memmap_paddr)
		panic("boot: PVH start_info version %u has no memory map", si->version);

	if (si->cmdline_paddr) {
		/* QEMU NUL-terminates the line; it lies in low memory, inside the boot map. */
		const char *cl = phys_to_virt(si->cmdline_paddr);
		boot_set_cmdline(&boot_info, cl, strlen(cl));
	}

	map = phys_to_virt(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		paddr_t end = map[i].addr + map[i].size;
		if (map[i].type == E820_RAM)
			add_range(boot_info.ram, &boot_info.nram, map[i].addr, end);
		else
			add_range(boot_info.firmware, &boot_info.nfirmware, map[i].addr, end);
	}

	/*
	 * Real-mode memory (BIOS data, EBDA, start_info itself, and the page that
	 * starts the other CPUs, AP_TRAMPOLINE_PA) is never handed out.
	 */
	add_range(boot_info.reserved, &boot_info.nreserved, 0, REAL_MODE_END);
	add_range(boot_info.reserved, &boot_info.nreserved, KERNEL_LOAD_PA,
		  virt_to_phys(_kernel_end));
	add_range(boot_info.reserved, &boot_info.nreserved, param,
		  param + sizeof(struct hvm_start_info));
	cpus_discover(&boot_info, si->rsdp_paddr);
	return &boot_info;
}
