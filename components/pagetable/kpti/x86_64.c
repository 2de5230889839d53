/*
 * pagetable/kpti, x86_64, after NetBSD's SVS. Each CPU runs the kernel on a
 * root of its own and user mode on a second root, which maps of the kernel
 * half only what the CPU reads on an entry (x86_entry_pages()) and the entry
 * area (pagetable/kpti-x86_64.h). Both share one set of tables for the entry
 * area. A domain keeps its user half in its own root (roots.c); the CPU
 * running it copies that root's top-level user entries into both of its
 * roots, so the tables below them are the domain's.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/domain.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <kiln/spinlock.h>
#include <arch/desc.h>
#include <arch/pte.h>
#include <pagetable/kpti-x86_64.h>
#include "../roots.h"

#define SLOT(va)   ((uintptr_t)(va) >> 39 & 511)
#define USER_SLOTS 256

struct kpti_cpu {
	pte_t *kernel_root, *user_root;
	struct kpti_utls *utls;
	pte_t *stack_pte;    /* the entry stack alias's */
	uintptr_t stack_top; /* the entry stack top the stackswitch policy last published */
	/* Whose top-level user entries both roots hold, and which; the CPU's own lock. */
	struct spinlock lock;
	struct pt_domain *loaded;
	uint64_t slots[USER_SLOTS / 64];
};

static struct kpti_cpu kpti_cpus[CONFIG_NR_CPUS];
/* Each CPU's UTLS, a page of its own: the user root maps it, so it holds nothing else. */
static struct kpti_utls utls_pages[CONFIG_NR_CPUS] __aligned(PAGE_SIZE);

static pte_t *table_or_panic(unsigned int cpu)
{
	pte_t *t = pgtable_alloc_root();

	if (!t)
		panic("pagetable/kpti: no memory for CPU %u's tables", cpu);
	return t;
}

/* The kernel's own translation of a kernel address (image, stacks or direct map). */
static paddr_t kernel_pa(uintptr_t va)
{
	paddr_t pa = pgtable_lookup(kernel_pgtable, va);

	BUG_ON(!pa);
	return pa;
}

static void map_for_entry(uintptr_t va, size_t size, unsigned int prot, void *root)
{
	for (uintptr_t p = va; p < va + size; p += PAGE_SIZE)
		if (!pgtable_map_page(root, p, kernel_pa(p), prot))
			panic("pagetable/kpti: no memory for a user root");
}

/* The entry area's tables, shared by both roots: the UTLS page and the entry stack alias. */
static void build_entry_area(struct kpti_cpu *k, unsigned int cpu)
{
	pte_t *l3 = table_or_panic(cpu), *l2 = table_or_panic(cpu), *l1 = table_or_panic(cpu);

	k->utls = &utls_pages[cpu];
	l3[KPTI_AREA >> 30 & 511] = pte_table(virt_to_phys(l2));
	l2[KPTI_AREA >> 21 & 511] = pte_table(virt_to_phys(l1));
	l1[KPTI_UTLS >> 12 & 511] = pte_leaf(virt_to_phys(k->utls), 0, PROT_READ | PROT_WRITE);
	k->stack_pte = &l1[KPTI_ENTRY_STACK >> 12 & 511];
	k->kernel_root[SLOT(KPTI_AREA)] = pte_table(virt_to_phys(l3));
	k->user_root[SLOT(KPTI_AREA)] = k->kernel_root[SLOT(KPTI_AREA)];
}

void pt_cpu_init(struct cpu *cpu)
{
	struct kpti_cpu *k = &kpti_cpus[cpu->index];

	/* The entry area's slot is this strategy's alone. */
	BUG_ON(pte_valid(kernel_pgtable[SLOT(KPTI_AREA)]));
	k->kernel_root = table_or_panic(cpu->index);
	k->user_root = table_or_panic(cpu->index);
	arch_uspace_init(k->kernel_root);
	build_entry_area(k, cpu->index);
	x86_entry_pages(cpu, map_for_entry, k->user_root);
	k->utls->kernel_cr3 = virt_to_phys(k->kernel_root);
	k->utls->user_cr3 = virt_to_phys(k->user_root);
	cpu->arch.entry->kernel_cr3 = k->utls->kernel_cr3;
	write_cr3(k->utls->kernel_cr3);
}

/*
 * TSS.rsp0 is the alias's top: the CPU pushes a frame from user mode through
 * it, into the real page, where the entry finds it once it has moved %rsp by
 * stack_offset. The alias follows top when a thread of a domain runs
 * (pt_root_thread_in()): only those enter from user mode.
 */
uintptr_t pt_entry_stack(struct cpu *cpu, uintptr_t top)
{
	BUG_ON(top % PAGE_SIZE);
	kpti_cpus[cpu->index].stack_top = top;
	return KPTI_ENTRY_STACK_TOP;
}

/*
 * Both roots share the alias's table. Written at every switch to a thread
 * of a domain: a stack freed and allocated again may come back at the same
 * address over other pages. No flush: a return to user mode writes CR3 first.
 */
void pt_root_thread_in(struct thread *next)
{
	struct kpti_cpu *k = &kpti_cpus[this_cpu()->index];

	(void)next;
	*k->stack_pte = pte_leaf(kernel_pa(k->stack_top - PAGE_SIZE), 0, PROT_READ | PROT_WRITE);
	k->utls->stack_top = k->stack_top;
	k->utls->stack_offset = k->stack_top - KPTI_ENTRY_STACK_TOP;
}

static bool slot_used(const uint64_t *slots, unsigned int s)
{
	return slots[s / 64] >> (s % 64) & 1;
}

/* Both roots get slot s of pt's root (pt NULL: none); k->lock held. */
static void copy_slot(struct kpti_cpu *k, const struct pt_domain *pt, unsigned int s)
{
	pte_t e = pt && slot_used(pt->slots, s) ? pt->root[s] : 0;

	k->kernel_root[s] = k->user_root[s] = e;
}

void pt_root_load(struct pt_domain *pt)
{
	struct kpti_cpu *k = &kpti_cpus[this_cpu()->index];

	spin_lock(&k->lock);
	for (unsigned int w = 0; w < USER_SLOTS / 64; w++) {
		uint64_t both = k->slots[w] | (pt ? pt->slots[w] : 0);

		for (; both; both &= both - 1)
			copy_slot(k, pt, w * 64 + __builtin_ctzll(both));
		k->slots[w] = pt ? pt->slots[w] : 0;
	}
	k->loaded = pt;
	spin_unlock(&k->lock);
	/* The previous domain's translations go: the kernel's root reloaded, no PCID. */
	write_cr3(k->utls->kernel_cr3);
}

bool pt_root_loaded(const struct pt_domain *pt)
{
	pte_t *live = phys_to_virt(read_cr3() & PTE_ADDR);

	for (unsigned int s = 0; s < USER_SLOTS; s++)
		if (slot_used(pt->slots, s) && live[s] == pt->root[s])
			return true;
	return false;
}

/*
 * A partition in a top-level slot pt did not use: CPUs running pt get the
 * entry now. No flush: x86 caches no translation of an absent entry.
 */
void pt_root_mapped(struct pt_domain *pt, uintptr_t start, uintptr_t end)
{
	uint64_t fresh[USER_SLOTS / 64] = {0};
	bool any = false;

	for (unsigned int s = SLOT(start); s <= SLOT(end - 1); s++)
		if (!slot_used(pt->slots, s)) {
			fresh[s / 64] |= 1ull << (s % 64);
			pt->slots[s / 64] |= 1ull << (s % 64);
			any = true;
		}
	for (unsigned int i = 0; any && i < CONFIG_NR_CPUS; i++) {
		struct kpti_cpu *k = &kpti_cpus[i];

		spin_lock(&k->lock);
		for (unsigned int w = 0; k->loaded == pt && w < USER_SLOTS / 64; w++) {
			for (uint64_t add = fresh[w]; add; add &= add - 1)
				copy_slot(k, pt, w * 64 + __builtin_ctzll(add));
			k->slots[w] |= fresh[w];
		}
		spin_unlock(&k->lock);
	}
}

pte_t *kpti_kernel_root(unsigned int cpu)
{
	return kpti_cpus[cpu].kernel_root;
}

pte_t *kpti_user_root(unsigned int cpu)
{
	return kpti_cpus[cpu].user_root;
}
