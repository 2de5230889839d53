/*
 * Kernel page tables: the direct map of RAM (2 MiB pages, no execute), MMIO
 * windows (uncached 4 KiB pages), and the kernel image in 4 KiB pages with
 * W^X permissions per section and an unmapped guard page below the boot
 * stack. Replaces the boot tables, so the identity map of low memory is gone
 * and a NULL dereference faults.
 */
#include <kiln/boot.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/string.h>
#include <arch/cpu.h>
#include <arch/mmu.h>

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define LARGE_PAGE_SIZE (1ul << 21)

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[];
extern char _kernel_end[], boot_stack_guard[];

static uint64_t *kernel_root;
static struct mem_range early_mmio[8];
static size_t nr_early_mmio;

static uint64_t *table_alloc(void)
{
	paddr_t pa = page_alloc();

	if (!pa)
		panic("out of memory for page tables");
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

/* The entry for va at the given level (3 = PML4 ... 0 = PT), creating tables above it. */
static uint64_t *pte_at(uintptr_t va, int level)
{
	uint64_t *table = kernel_root;

	for (int l = 3; l > level; l--) {
		uint64_t *e = &table[(va >> (12 + 9 * l)) & 511];
		if (!(*e & PTE_P))
			*e = virt_to_phys(table_alloc()) | PTE_P | PTE_W;
		else if (*e & PTE_PS)
			panic("mmu: %p already mapped by a large page", (void *)va);
		table = phys_to_virt(*e & PTE_ADDR);
	}
	return &table[(va >> (12 + 9 * level)) & 511];
}

static void map_range(uintptr_t va, paddr_t pa, size_t size, uint64_t flags, bool large_ok)
{
	uintptr_t end = va + size;

	while (va < end) {
		if (large_ok && !(va & (LARGE_PAGE_SIZE - 1)) && !(pa & (LARGE_PAGE_SIZE - 1)) &&
		    end - va >= LARGE_PAGE_SIZE) {
			*pte_at(va, 1) = pa | flags | PTE_P | PTE_PS;
			va += LARGE_PAGE_SIZE;
			pa += LARGE_PAGE_SIZE;
		} else {
			*pte_at(va, 0) = pa | flags | PTE_P;
			va += PAGE_SIZE;
			pa += PAGE_SIZE;
		}
	}
}

static void map_image_part(char *start, char *end, uint64_t flags)
{
	map_range((uintptr_t)start, virt_to_phys(start), end - start, flags, false);
}

static void map_mmio(const struct mem_range *r)
{
	map_range((uintptr_t)phys_to_virt(r->start), r->start, r->end - r->start,
		  PTE_W | PTE_NX | PTE_PCD | PTE_PWT, false);
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
	kernel_root = table_alloc();

	for (size_t i = 0; i < bi->nram; i++) {
		paddr_t start = ALIGN_DOWN(bi->ram[i].start, LARGE_PAGE_SIZE);
		paddr_t end = ALIGN_UP(bi->ram[i].end, LARGE_PAGE_SIZE);
		for (paddr_t pa = start; pa < end; pa += LARGE_PAGE_SIZE) {
			uint64_t *e = pte_at((uintptr_t)phys_to_virt(pa), 1);
			if (!*e)
				*e = pa | PTE_P | PTE_W | PTE_NX | PTE_PS;
		}
	}

	map_image_part(_text_start, _text_end, 0);
	map_image_part(_rodata_start, _rodata_end, PTE_NX);
	map_image_part(_data_start, boot_stack_guard, PTE_W | PTE_NX);
	map_image_part(boot_stack_guard + PAGE_SIZE, _kernel_end, PTE_W | PTE_NX);
	for (size_t i = 0; i < nr_early_mmio; i++)
		map_mmio(&early_mmio[i]);

	write_cr3(virt_to_phys(kernel_root));
}
