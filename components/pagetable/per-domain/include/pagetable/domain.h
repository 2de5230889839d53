/* pagetable/per-domain: each memory domain owns a page-table root. */
#ifndef PAGETABLE_DOMAIN_H
#define PAGETABLE_DOMAIN_H

#include <kiln/pgtable.h>

struct pt_domain {
	pte_t *root;	   /* the user half its own, the kernel half shared (arch_uspace_init()) */
	unsigned int asid; /* its own TLB tag, or 0: shared (kiln/arch.h ARCH_ASIDS) */
};

/* A CPU walks the domain's own root: what is mapped there is seen, and nothing is per thread. */
#define pt_root_mapped(pt, start, end) ((void)(pt), (void)(start), (void)(end))
#define pt_root_thread_in(next)	       ((void)(next))

#endif
