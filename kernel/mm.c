/* Kernel address space set-up, shared by the arches. */
#include <kiln/arch.h>
#include <kiln/compiler.h>
#include <kiln/mm.h>
#include <kiln/panic.h>

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[];
extern char _kernel_end[];

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

static void map_linear(paddr_t start, paddr_t end)
{
	if (start < end)
		pgtable_map(kernel_pgtable, (uintptr_t)phys_to_virt(start), start, end - start,
			    PROT_READ | PROT_WRITE, PGTABLE_LARGE);
}

/*
 * RAM goes into the direct/linear map. Where the image itself lives inside
 * that map (arm64), its pages were mapped with their own permissions and
 * its guard page must stay a hole, so the image is cut out of the range.
 */
static void map_ram(const struct mem_range *r)
{
	paddr_t start = ALIGN_DOWN(r->start, PAGE_SIZE), end = ALIGN_UP(r->end, PAGE_SIZE);
	paddr_t image_start = virt_to_phys(_text_start), image_end = virt_to_phys(_kernel_end);

	if (phys_to_virt(image_start) != _text_start || end <= image_start || start >= image_end) {
		map_linear(start, end);
		return;
	}
	map_linear(start, image_start);
	map_linear(image_end, end);
}

void mm_init(const struct boot_info *bi)
{
	kernel_pgtable = pgtable_alloc_root();
	if (!kernel_pgtable)
		panic("mm: no memory for the kernel page tables");

	map_image_part(_text_start, _text_end, PROT_READ | PROT_EXEC);
	map_image_part(_rodata_start, _rodata_end, PROT_READ);
	map_image_part(_data_start, boot_stack_guard, PROT_READ | PROT_WRITE);
	map_image_part(boot_stack_guard + PAGE_SIZE, _kernel_end, PROT_READ | PROT_WRITE);

	for (size_t i = 0; i < bi->nram; i++)
		map_ram(&bi->ram[i]);
	for (size_t i = 0; i < nr_early_mmio; i++)
		map_mmio(&early_mmio[i]);

	arch_mmu_activate(kernel_pgtable);
}
