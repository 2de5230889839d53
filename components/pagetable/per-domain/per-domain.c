/*
 * pagetable/per-domain: a CPU translates user addresses through the root of
 * the domain it runs (roots.c), loaded into CR3 / TTBR0_EL1 as it is.
 */
#include <kiln/arch.h>
#include <kiln/panic.h>
#include "../roots.h"

/* A root with no user mapping, for CPUs that must let go of a domain's. */
static pte_t *empty_root(void)
{
	static pte_t *root;

	if (!root) {
		root = pgtable_alloc_root();
		if (!root)
			panic("pagetable: no memory for the empty root");
		arch_uspace_init(root);
	}
	return root;
}

void pt_root_load(struct pt_domain *pt)
{
	arch_uspace_activate(pt ? pt->root : empty_root(), pt ? pt->asid : 0);
}

bool pt_root_loaded(const struct pt_domain *pt)
{
	return arch_uspace_root() == virt_to_phys(pt->root);
}
