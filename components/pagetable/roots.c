/*
 * pagetable, shared by per-domain and kpti: a root per domain (kiln/domain.h)
 * holds its user half; the variant makes a CPU translate through it
 * (roots.h). A CPU keeps the last domain it loaded while it runs kernel
 * threads (their half is in every root), so a domain's destruction first
 * asks such CPUs to let go.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/domain.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/smp.h>
#include <kiln/spinlock.h>
#include <kiln/thread.h>
#include <uapi/kiln/abi.h>
#include "roots.h"

/* The root-entry span: what pgtable_free_tables() works in. */
#define ROOT_SPAN ((uintptr_t)1 << (PAGE_SHIFT + 9 * (PGTABLE_LEVELS - 1)))

/* The domain live on each CPU; NULL until a user thread first runs there. */
static struct pt_domain *active[CONFIG_NR_CPUS];
/* Domains the ids can tell apart, each taking PT_ASID_VIEWS of them. */
#define DOMAIN_IDS ((ARCH_ASIDS + PT_ASID_VIEWS - 1) / PT_ASID_VIEWS)

/* Domain ids in use (bit n: id n); id 0 is the shared one, never taken. */
static unsigned long asids[(DOMAIN_IDS + 63) / 64] = {1};
static struct spinlock asid_lock;

/*
 * The first address-space id of a free domain id, or 0 when all are taken:
 * the domain then shares id 0 and flushes at switches.
 */
static unsigned int asid_alloc(void)
{
	bool irqs = spin_lock_irqsave(&asid_lock);
	unsigned int id = 0;

	for (unsigned int w = 0; w < ARRAY_SIZE(asids) && !id; w++)
		if (~asids[w]) {
			id = w * 64 + __builtin_ctzl(~asids[w]);
			if (id < DOMAIN_IDS)
				asids[w] |= 1ul << (id % 64);
			else
				id = 0;
		}
	spin_unlock_irqrestore(&asid_lock, irqs);
	return id * PT_ASID_VIEWS;
}

static void asid_free(unsigned int asid)
{
	unsigned int id = asid / PT_ASID_VIEWS;
	bool irqs;

	if (!id)
		return;
	/* No CPU may translate with the old space's entries once the id is reused. */
	for (unsigned int v = 0; v < PT_ASID_VIEWS; v++)
		arch_asid_flush(asid + v);
	irqs = spin_lock_irqsave(&asid_lock);
	asids[id / 64] &= ~(1ul << (id % 64));
	spin_unlock_irqrestore(&asid_lock, irqs);
}

int pt_domain_init(struct mem_domain *d)
{
	pte_t *root = pgtable_alloc_root();

	if (!root)
		return -ENOMEM;
	arch_uspace_init(root);
	d->pt = (struct pt_domain){.root = root, .asid = asid_alloc()};
	return 0;
}

static void activate(struct pt_domain *pt)
{
	struct pt_domain **live = &active[this_cpu()->index];

	if (*live == pt)
		return;
	pt_root_load(pt);
	*live = pt;
}

static void let_go(void *pt)
{
	if (active[this_cpu()->index] == pt)
		activate(NULL);
}

void pt_domain_destroy(struct mem_domain *d)
{
	pte_t *root = d->pt.root;

	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (__atomic_load_n(&active[i], __ATOMIC_RELAXED) == &d->pt)
			smp_call_on(i, let_go, &d->pt);
	/* Freeing tables a CPU still walks would hand them to the next allocation. */
	BUG_ON(pt_root_loaded(&d->pt));
	asid_free(d->pt.asid);
	pgtable_free_tables(root, ALIGN_DOWN((uintptr_t)USER_VA_START, ROOT_SPAN),
			    ALIGN_UP((uintptr_t)USER_VA_END, ROOT_SPAN));
	pgtable_free_root(root);
	d->pt.root = NULL;
}

int pt_map(struct mem_domain *d, const struct mem_partition *p)
{
	for (uintptr_t va = p->start; va < p->start + p->size; va += PAGE_SIZE)
		if (pgtable_lookup(d->pt.root, va))
			return -EEXIST;
	if (!pt_map_partition(d->pt.root, p))
		return -ENOMEM;
	pt_root_mapped(&d->pt, p->start, p->start + p->size);
	return 0;
}

void pt_unmap(struct mem_domain *d, const struct mem_partition *p)
{
	pt_unmap_partition(d->pt.root, p);
}

int pt_stack_add(struct mem_domain *d, const struct mem_partition *p)
{
	return pt_map(d, p);
}

void pt_stack_remove(struct mem_domain *d, const struct mem_partition *p)
{
	pt_unmap(d, p);
}

/* Any CPU may have run a thread of d: all flush. */
void pt_flush(struct mem_domain *d, const struct mem_partition *p)
{
	(void)d;
	(void)p;
	tlb_shootdown();
}

void pt_switch_in(struct thread *next)
{
	activate(&next->domain->pt);
	pt_root_thread_in(next);
}
