/*
 * User address spaces: one page-table root per process; its kernel half is
 * the arch's business (arch_uspace_init()), its user half is built here.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/smp.h>
#include <kiln/string.h>
#include <kiln/uspace.h>
#include <uapi/kiln/abi.h>

/* The root-entry span: what pgtable_free_range() works in. */
#define ROOT_SPAN ((uintptr_t)1 << (PAGE_SHIFT + 9 * (PGTABLE_LEVELS - 1)))

/* The root active on each CPU; NULL until a user space is first activated. */
static pte_t *active_root[CONFIG_NR_CPUS];
/* A user space with nothing mapped, for CPUs that must let go of a process's tables. */
static struct uspace empty;

int uspace_init(struct uspace *us)
{
	us->root = pgtable_alloc_root();
	us->pages = 0;
	if (!us->root)
		return -ENOMEM;
	arch_uspace_init(us->root);
	return 0;
}

static bool range_ok(uintptr_t va, size_t size)
{
	return !((va | size) & (PAGE_SIZE - 1)) && size && va >= USER_VA_START &&
	       va < USER_VA_END && size <= USER_VA_END - va;
}

static void unmap_range(struct uspace *us, uintptr_t va, uintptr_t end)
{
	for (; va < end; va += PAGE_SIZE) {
		page_free(pgtable_unmap_page(us->root, va));
		us->pages--;
	}
}

int uspace_map(struct uspace *us, uintptr_t va, size_t size, unsigned int prot)
{
	uintptr_t end = va + size;

	if (!range_ok(va, size))
		return -EINVAL;
	for (uintptr_t p = va; p < end; p += PAGE_SIZE)
		if (pgtable_lookup(us->root, p))
			return -EINVAL;
	for (uintptr_t p = va; p < end; p += PAGE_SIZE) {
		paddr_t pa = page_alloc();
		if (pa && !pgtable_map_page(us->root, p, pa, prot | PROT_USER)) {
			page_free(pa);
			pa = 0;
		}
		if (!pa) {
			unmap_range(us, va, p);
			return -ENOMEM;
		}
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		us->pages++;
	}
	return 0;
}

void *uspace_kaddr(const struct uspace *us, uintptr_t va)
{
	paddr_t pa;

	if (va < USER_VA_START || va >= USER_VA_END)
		return NULL;
	pa = pgtable_lookup(us->root, va);
	return pa ? (char *)phys_to_virt(pa) + (va & (PAGE_SIZE - 1)) : NULL;
}

static void let_go(void *us)
{
	if (active_root[this_cpu()->index] == ((struct uspace *)us)->root)
		uspace_activate(NULL);
}

void uspace_destroy(struct uspace *us)
{
	/*
	 * A CPU that ran the process last may still have its root live (its
	 * kernel threads run in whatever user space is active): it lets go
	 * first, which also drops its TLB entries for it.
	 */
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (__atomic_load_n(&active_root[i], __ATOMIC_RELAXED) == us->root)
			smp_call_on(i, let_go, us);
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		BUG_ON(active_root[i] == us->root);
	pgtable_free_range(us->root, ALIGN_DOWN((uintptr_t)USER_VA_START, ROOT_SPAN),
			   ALIGN_UP((uintptr_t)USER_VA_END, ROOT_SPAN));
	pgtable_free_root(us->root);
	us->root = NULL;
	us->pages = 0;
}

void uspace_activate(struct uspace *us)
{
	pte_t **active = &active_root[this_cpu()->index];
	pte_t *root;

	if (!us) {
		if (!empty.root && uspace_init(&empty))
			panic("uspace: no memory for the empty user space");
		us = &empty;
	}
	root = us->root;
	if (*active == root)
		return;
	arch_uspace_activate(root);
	*active = root;
}
