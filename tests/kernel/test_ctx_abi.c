/*
 * The OSv scenario: a thread holds values in callee-saved registers across a
 * yield while another thread clobbers them. Built twice, at -O0 and -O2
 * (Kbuild: test_ctx_abi.c:O0 / :O2), so a switch whose correctness depends
 * on how the compiler treats its callers fails at one level or the other.
 */
#include <generated/autoconf.h>
#include <kiln/ktest.h>
#include <kiln/thread.h>
#include "ctx_abi.h"

#define NAME2(a, b) a##_##b
#define NAME(a, b)  NAME2(a, b)
#define ROUNDS	    100

struct abi_case {
	unsigned long (*fill_and_yield)(void (*yield)(void));
	void (*clobber_and_yield)(void (*yield)(void));
};

static void clobber_thread(void *arg)
{
	const struct abi_case *c = arg;

	for (int i = 0; i < ROUNDS; i++)
		c->clobber_and_yield(thread_yield);
}

/* Bitmask of the registers that did not survive ROUNDS yields to a clobbering thread. */
static unsigned long lost_across_yields(struct ktest *kt, const struct abi_case *c)
{
	struct thread *t =
		thread_create("clobber", clobber_thread, (void *)c, thread_current()->priority);
	unsigned long lost = 0;

	KEXPECT_TRUE(t != NULL);
	if (!t)
		return ~0ul;
	for (int i = 0; i < ROUNDS; i++)
		lost |= c->fill_and_yield(thread_yield);
	KEXPECT_EQ(thread_join(t), 0);
	return lost;
}

KTEST(NAME(ctx_callee_saved_survive_yield, CTX_ABI_OPT))
{
	static const struct abi_case c = {ctx_abi_fill_and_yield, ctx_abi_clobber_and_yield};

	KEXPECT_EQ(lost_across_yields(kt, &c), 0);
}

#ifdef CONFIG_CTXSWITCH_FULL_FRAME
KTEST(NAME(ctx_full_frame_keeps_fp_registers, CTX_ABI_OPT))
{
	static const struct abi_case c = {ctx_fp_fill_and_yield, ctx_fp_clobber_and_yield};

	KEXPECT_EQ(lost_across_yields(kt, &c), 0);
}
#endif
