/*
 * tests/user/domain.c and tests/kernel/test_domain.c: what the program does
 * with the partition at a page-aligned address. arg = DOMAIN_ARG(op, addr,
 * tag); the partition's words are struct domain_page.
 */
#ifndef TESTS_USER_DOMAIN_H
#define TESTS_USER_DOMAIN_H

enum domain_op {
	DOMAIN_TOUCH = 1, /* read `in` (must be DOMAIN_IN), write `out` = DOMAIN_OUT; exit 0 */
	DOMAIN_READ,	  /* read addr (must fault); exit DOMAIN_ALIVE */
	DOMAIN_WRITE,	  /* write addr (must fault); exit DOMAIN_ALIVE */
	/*
	 * DOMAIN_ROUNDS times: yield, then `in` must be the tag. `out` counts
	 * the rounds. Then, if `peek` is set, read it (another domain's memory:
	 * must fault) and exit DOMAIN_ALIVE; else exit with the mismatches.
	 */
	DOMAIN_ALTERNATE,
	/*
	 * Count in `out` until `in` reads DOMAIN_STOP (yielding if tag is 1); then
	 * exit 0, or with `peek` set, read it: exit 0 if it holds DOMAIN_IN, else 1.
	 */
	DOMAIN_WATCH,
};

struct domain_page {
	unsigned long in, out, peek;
};

#define DOMAIN_ARG(op, addr, tag) ((unsigned long)(addr) | (unsigned long)(tag) << 4 | (op))
#define DOMAIN_OP(arg)		  ((arg)&0xf)
#define DOMAIN_TAG(arg)		  (((arg) >> 4) & 0xff)
#define DOMAIN_ADDR(arg)	  ((arg) & ~0xffful)

#define DOMAIN_IN     0x1badc0ffeeul
#define DOMAIN_OUT    0x600df00dul
#define DOMAIN_STOP   0x5709ul
#define DOMAIN_ROUNDS 200
#define DOMAIN_ALIVE  99

#endif
