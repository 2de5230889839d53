/* Stack canary set-up (CONFIG_STACKPROTECTOR). */
#ifndef KILN_STACKPROTECTOR_H
#define KILN_STACKPROTECTOR_H

#include <generated/autoconf.h>

#ifdef CONFIG_STACKPROTECTOR
/* Call before any function that returns has read the canary. */
void stackprotector_init(void);
#else
static inline void stackprotector_init(void)
{
}
#endif

#endif
