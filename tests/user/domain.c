/* Touches memory for tests/kernel/test_domain.c: see domain.h. */
#include "domain.h"
#include <kiln/user.h>

static int alternate(volatile struct domain_page *page, unsigned long tag)
{
	int mismatches = 0;

	for (int i = 0; i < DOMAIN_ROUNDS; i++) {
		sys_yield();
		mismatches += page->in != tag;
		page->out++;
	}
	if (page->peek) {
		(void)*(volatile unsigned long *)page->peek;
		return DOMAIN_ALIVE;
	}
	return mismatches;
}

int main(unsigned long arg)
{
	volatile struct domain_page *page = (volatile struct domain_page *)DOMAIN_ADDR(arg);

	switch (DOMAIN_OP(arg)) {
	case DOMAIN_TOUCH:
		if (page->in != DOMAIN_IN)
			return 1;
		page->out = DOMAIN_OUT;
		return 0;
	case DOMAIN_READ:
		(void)page->in;
		return DOMAIN_ALIVE;
	case DOMAIN_WRITE:
		page->in = 0;
		return DOMAIN_ALIVE;
	case DOMAIN_ALTERNATE:
		return alternate(page, DOMAIN_TAG(arg));
	case DOMAIN_WATCH:
		while (page->in != DOMAIN_STOP) {
			page->out++;
			if (DOMAIN_TAG(arg) == 1)
				sys_yield();
		}
		return page->peek && *(volatile unsigned long *)page->peek != DOMAIN_IN;
	}
	return 2;
}
