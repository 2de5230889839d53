/* Kernel address space set-up, shared by the arches. */
#include <kiln/compiler.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <arch/layout.h>
#include <arch/mmu.h>

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[];
extern char _kernel_end[], boot_stack_guard[];

pte_t *kernel_pgtable;
static struct mem_range early_mmio[8];
static size_t nr_early_mmio;

static void map_image_part(char *start, char *end, unsigned int prot)
{
	pgtable_map(kernel_pgtable, (uintptr_t)start, virt_to_phys(start), end - start, prot, 0);
}

static void map_mmio(const struct mem_range *r)
{
	pgtable_map(kernel_pgtable, (uintptr_t)phys_to_virt(r->start), r->start, r->end - r->start,
		    PROT_READ | PROT_WRITE | PROT_DEVICE, 0);
}

void *mmu_map_mmio(paddr_t pa, size_t size)
{
	struct mem_range r = {ALIGN_DOWN(pa, PAGE_SIZE), ALIGN_UP(pa + size, PAGE_SIZE)};

	if (kernel_pgtable) {
		map_mmio(&r);
		arch_tlb_flush_all();
	} else {
		if (nr_early_mmio == ARRAY_SIZE(early_mmio))
			panic("mm: too many MMIO windows before the MMU is set up");
		if (r.end > BOOT_MAP_SIZE)
			panic("mm: early MMIO at %p is outside the boot map", (void *)pa);
		early_mmio[nr_early_mmio++] = r;
	}
	return phys_to_virt(pa);
}

void mm_init(const struct boot_info *bi)
{
	kernel_pgtable = pgtable_alloc_root();

	/* The image first, in 4 KiB pages: on arm64 it lies inside the linear map of RAM. */
	map_image_part(_text_start, _text_end, PROT_READ | PROT_EXEC);
	map_image_part(_rodata_start, _rodata_end, PROT_READ);
	map_image_part(_data_start, boot_stack_guard, PROT_READ | PROT_WRITE);
	map_image_part(boot_stack_guard + PAGE_SIZE, _kernel_end, PROT_READ | PROT_WRITE);

	for (size_t i = 0; i < bi->nram; i++) {
		paddr_t start = ALIGN_DOWN(bi->ram[i].start, PGTABLE_LARGE_SIZE);
		paddr_t end = ALIGN_UP(bi->ram[i].end, PGTABLE_LARGE_SIZE);
		pgtable_map(kernel_pgtable, (uintptr_t)phys_to_virt(start), start, end - start,
			    PROT_READ | PROT_WRITE, PGTABLE_LARGE | PGTABLE_KEEP);
	}
	for (size_t i = 0; i < nr_early_mmio; i++)
		map_mmio(&early_mmio[i]);

	arch_mmu_activate(kernel_pgtable);
}
