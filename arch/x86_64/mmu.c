/*
 * Kernel page tables: the direct map of RAM (2 MiB pages, no execute), MMIO
 * windows (uncached 4 KiB pages), and the kernel image in 4 KiB pages with
 * W^X permissions per section and an unmapped guard page below the boot
 * stack. Replaces the boot tables, so the identity map of low memory is gone
 * and a NULL dereference faults.
 */
#include <kiln/boot.h>
#include <kiln/panic.h>
#include <kiln/pgtable.h>
#include <arch/cpu.h>
#include <arch/mmu.h>

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[];
extern char _kernel_end[], boot_stack_guard[];

static pte_t *kernel_root;
static struct mem_range early_mmio[8];
static size_t nr_early_mmio;

static void map_image_part(char *start, char *end, unsigned int prot)
{
	pgtable_map(kernel_root, (uintptr_t)start, virt_to_phys(start), end - start, prot, 0);
}

static void map_mmio(const struct mem_range *r)
{
	pgtable_map(kernel_root, (uintptr_t)phys_to_virt(r->start), r->start, r->end - r->start,
		    PROT_READ | PROT_WRITE | PROT_DEVICE, 0);
}

/*
 * Before arch_mm_init() the boot tables' direct map covers the low 4 GiB, so
 * early drivers (console, local APIC) work at once; their windows are
 * remembered and mapped again, uncached, in the final tables.
 */
void *mmu_map_mmio(paddr_t pa, size_t size)
{
	struct mem_range r = {ALIGN_DOWN(pa, PAGE_SIZE), ALIGN_UP(pa + size, PAGE_SIZE)};

	if (kernel_root) {
		map_mmio(&r);
		write_cr3(read_cr3());
	} else {
		if (nr_early_mmio == ARRAY_SIZE(early_mmio))
			panic("mmu: too many MMIO windows before the MMU is set up");
		if (r.end > BOOT_MAP_SIZE)
			panic("mmu: early MMIO at %p is outside the boot map", (void *)pa);
		early_mmio[nr_early_mmio++] = r;
	}
	return phys_to_virt(pa);
}

void arch_mm_init(const struct boot_info *bi)
{
	kernel_root = pgtable_alloc_root();

	for (size_t i = 0; i < bi->nram; i++) {
		paddr_t start = ALIGN_DOWN(bi->ram[i].start, PGTABLE_LARGE_SIZE);
		paddr_t end = ALIGN_UP(bi->ram[i].end, PGTABLE_LARGE_SIZE);
		pgtable_map(kernel_root, (uintptr_t)phys_to_virt(start), start, end - start,
			    PROT_READ | PROT_WRITE, PGTABLE_LARGE | PGTABLE_KEEP);
	}

	map_image_part(_text_start, _text_end, PROT_READ | PROT_EXEC);
	map_image_part(_rodata_start, _rodata_end, PROT_READ);
	map_image_part(_data_start, boot_stack_guard, PROT_READ | PROT_WRITE);
	map_image_part(boot_stack_guard + PAGE_SIZE, _kernel_end, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < nr_early_mmio; i++)
		map_mmio(&early_mmio[i]);

	write_cr3(virt_to_phys(kernel_root));
}
