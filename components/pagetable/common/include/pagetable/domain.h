/* pagetable/common: domains own no tables; the one table set is rewritten on a switch. */
#ifndef PAGETABLE_DOMAIN_H
#define PAGETABLE_DOMAIN_H

struct pt_domain {
};

#endif
