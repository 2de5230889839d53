/* Boot information from the device tree, and device set-up once the MMU is live. */
#include <kiln/boot.h>
#include <kiln/fdt.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/string.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <platform/board.h>
#include <platform/irqchip.h>

extern char _kernel_end[];

struct fdt board_fdt;
static struct boot_info boot_info;

/*
 * An ELF booted with -kernel gets no DTB pointer: QEMU puts the tree at the
 * start of RAM, below the image. A raw Image gets its address in x0.
 */
static const void *find_dtb(paddr_t param, size_t *max_size)
{
	paddr_t pa = param ? param : RAM_BASE_VIRT;

	if (pa >= BOOT_MAP_SIZE)
		panic("boot: DTB at %p is outside the boot map", (void *)pa);
	/* Below the image only what lies before it is readable as the DTB. */
	*max_size = pa < KERNEL_LOAD_PA ? KERNEL_LOAD_PA - pa : BOOT_MAP_SIZE - pa;
	return phys_to_virt(pa);
}

static void add_range(struct mem_range *ranges, size_t *n, paddr_t start, paddr_t end)
{
	if (*n == BOOT_MAX_RANGES)
		panic("boot: more than %d memory ranges", BOOT_MAX_RANGES);
	ranges[(*n)++] = (struct mem_range){start, end};
}

static void parse_memory(const struct fdt *fdt)
{
	for (int node = fdt_first_child(fdt, fdt_path_offset(fdt, "/")); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		const char *type = fdt_getprop_str(fdt, node, "device_type");
		uint64_t base, size;
		if (!type || strcmp(type, "memory"))
			continue;
		for (int i = 0; fdt_get_reg(fdt, node, i, &base, &size) == 0; i++)
			add_range(boot_info.ram, &boot_info.nram, base, base + size);
	}
	if (!boot_info.nram)
		panic("boot: the device tree has no memory node");
}

static void parse_chosen(const struct fdt *fdt)
{
	int node = fdt_path_offset(fdt, "/chosen");
	const char *args = node >= 0 ? fdt_getprop_str(fdt, node, "bootargs") : NULL;

	/* fdt_getprop_str() checked that the string ends inside the blob. */
	boot_set_cmdline(&boot_info, args, args ? strlen(args) : 0);
}

struct boot_info *platform_boot_info(paddr_t param)
{
	size_t max_size;
	const void *dtb = find_dtb(param, &max_size);
	int err = fdt_init(&board_fdt, dtb, max_size);

	if (err)
		panic("boot: no usable device tree at %p: %s", (void *)virt_to_phys(dtb),
		      fdt_strerror(err));
	parse_memory(&board_fdt);
	board_parse_cpus(&board_fdt);
	parse_chosen(&board_fdt);
	add_range(boot_info.reserved, &boot_info.nreserved, virt_to_phys(dtb),
		  virt_to_phys(dtb) + board_fdt.size);
	add_range(boot_info.reserved, &boot_info.nreserved, KERNEL_LOAD_PA,
		  virt_to_phys(_kernel_end));
	return &boot_info;
}

void platform_init(void)
{
	int uart = fdt_find_compatible(&board_fdt, -1, "arm,pl011");
	uint64_t base, size;

	if (uart >= 0 && fdt_get_reg(&board_fdt, uart, 0, &base, &size) == 0)
		pl011_set_base(base);
	psci_init(&board_fdt);
	printk("board: %u CPU(s) in the device tree, PSCI %s\n", board_nr_cpus,
	       psci_version() ? "present" : "absent");
	irqchip_init(&board_fdt);
	timer_init(&board_fdt);
}
