/*
 * pagetable, private: the strategies whose domains each own a root (per-domain, kpti) share
 * roots.c, which keeps a domain's user half in its root and calls these of the variant.
 */
#ifndef PAGETABLE_ROOTS_H
#define PAGETABLE_ROOTS_H

#include <kiln/domain.h>

/*
 * Make pt's root this CPU's user translation, flushing what must be; pt NULL: none (a domain
 * about to be destroyed is let go of). Interrupts off.
 */
void pt_root_load(struct pt_domain *pt);
/* Whether this CPU's hardware still translates through pt's tables (checked before freeing). */
bool pt_root_loaded(const struct pt_domain *pt);
/*
 * Optional (a variant header that defines them as macros gives its own):
 * pt_root_mapped: [start, end) was mapped in pt's root, d->lock held: CPUs
 * running pt must see it from now on. pt_root_thread_in: next, of the domain
 * this CPU just activated, is about to run, interrupts off.
 */
#ifndef pt_root_mapped
void pt_root_mapped(struct pt_domain *pt, uintptr_t start, uintptr_t end);
#endif
#ifndef pt_root_thread_in
void pt_root_thread_in(struct thread *next);
#endif

/*
 * Optional, a macro in <pagetable/domain.h>: PT_ASID_VIEWS, how many consecutive address-space
 * ids each domain takes, pt->asid the first (kpti: its kernel view's, and its user view's);
 * one by default.
 */
#ifndef PT_ASID_VIEWS
#define PT_ASID_VIEWS 1
#endif

#endif
