/*
 * The OSv scenario: a thread holds values in callee-saved registers across a
 * switch while another thread clobbers them. The assembly checks every
 * register at the first instruction after the call returns, so no C epilogue
 * can restore what the switch lost (a C caller that saved the frame pointer
 * itself hid a switch that dropped it). Once through thread_yield(), once
 * straight into ctx_switch(). Built twice, at -O0 and -O2 (Kbuild:
 * test_ctx_abi.c:O0 / :O2), so a switch whose correctness depends on how the
 * compiler treats its callers fails at one level or the other.
 */
#include <generated/autoconf.h>
#include <kiln/ktest.h>
#include <kiln/thread.h>
#include <kiln/arch.h>
#include "ctx_abi.h"

#define NAME2(a, b) a##_##b
#define NAME(a, b)  NAME2(a, b)
#define ROUNDS	    100

struct abi_case {
	unsigned long (*fill_and_call)(void (*fn)(void));
	void (*clobber_and_call)(void (*fn)(void));
	void (*fn)(void); /* thread_yield, or ctx_abi_switch */
};

/* One round with interrupts off: ctx_abi_switch needs them off, and no tick cuts in. */
static unsigned long round_irqs_off(const struct abi_case *c, bool check)
{
	bool irqs = arch_irq_enabled();
	unsigned long lost = 0;

	arch_irq_disable();
	if (check)
		lost = c->fill_and_call(c->fn);
	else
		c->clobber_and_call(c->fn);
	if (irqs)
		arch_irq_enable();
	return lost;
}

static void clobber_thread(void *arg)
{
	for (int i = 0; i < ROUNDS; i++)
		round_irqs_off(arg, false);
}

/* Bitmask of the registers that did not survive ROUNDS switches to a clobbering thread. */
static unsigned long lost_across_switches(struct ktest *kt, const struct abi_case *c)
{
	struct thread *self = thread_current();
	struct thread *t = thread_create("clobber", clobber_thread, (void *)c, self->priority);
	unsigned long switches = self->switches, lost = 0;

	KEXPECT_TRUE(t != NULL);
	if (!t)
		return ~0ul;
	for (int i = 0; i < ROUNDS; i++)
		lost |= round_irqs_off(c, true);
	KEXPECT_EQ(thread_join(t), 0);
	/* Every round switched: the clobbering thread really ran in between. */
	KEXPECT_GE(self->switches - switches, ROUNDS);
	return lost;
}

KTEST(NAME(ctx_callee_saved_survive_yield, CTX_ABI_OPT))
{
	static const struct abi_case c = {ctx_abi_fill_and_call, ctx_abi_clobber_and_call,
					  thread_yield};

	KEXPECT_EQ(lost_across_switches(kt, &c), 0);
}

KTEST(NAME(ctx_callee_saved_survive_switch, CTX_ABI_OPT))
{
	static const struct abi_case c = {ctx_abi_fill_and_call, ctx_abi_clobber_and_call,
					  ctx_abi_switch};

	KEXPECT_EQ(lost_across_switches(kt, &c), 0);
}

#ifdef CONFIG_CTXSWITCH_FULL_FRAME
KTEST(NAME(ctx_full_frame_keeps_fp_registers, CTX_ABI_OPT))
{
	static const struct abi_case c = {ctx_fp_fill_and_call, ctx_fp_clobber_and_call,
					  thread_yield};

	KEXPECT_EQ(lost_across_switches(kt, &c), 0);
}
#endif
