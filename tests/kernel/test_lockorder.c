/*
 * The lock-order checker (CONFIG_LOCK_ORDER_CHECK): each test takes its own
 * locks in the orders it names, on one CPU, so nothing deadlocks; what is
 * checked is whether the checker reports. tests/host/test_smp.py counts the
 * reports these tests provoke against those of a whole SMP run.
 */
#include <kiln/ktest.h>
#include <kiln/spinlock.h>

/* b taken while a is held. */
static void nest(struct spinlock *a, struct spinlock *b)
{
	bool irqs = spin_lock_irqsave(a);

	spin_lock(b);
	spin_unlock(b);
	spin_unlock_irqrestore(a, irqs);
}

static struct spinlock a1, b1;

KTEST(lockorder_one_order_is_quiet)
{
	unsigned long before = lock_order_inversions();

	nest(&a1, &b1);
	nest(&a1, &b1);
	KEXPECT_EQ(lock_order_inversions(), before);
}

static struct spinlock a2, b2;

KTEST(lockorder_reports_two_locks_taken_both_ways_once)
{
	unsigned long before = lock_order_inversions();

	nest(&a2, &b2);
	nest(&b2, &a2);
	KEXPECT_EQ(lock_order_inversions(), before + 1);
	nest(&b2, &a2);
	KEXPECT_EQ(lock_order_inversions(), before + 1);
}

static struct spinlock a3, b3, c3;

KTEST(lockorder_reports_a_cycle_through_three_locks)
{
	unsigned long before = lock_order_inversions();

	nest(&a3, &b3);
	nest(&b3, &c3);
	KEXPECT_EQ(lock_order_inversions(), before);
	nest(&c3, &a3);
	KEXPECT_EQ(lock_order_inversions(), before + 1);
}

static struct spinlock a4, b4, c4, d4;

/* A trylock cannot deadlock, so taking one orders nothing; what is taken under it is ordered. */
KTEST(lockorder_trylock_orders_only_what_follows_it)
{
	unsigned long before = lock_order_inversions();
	bool irqs = spin_lock_irqsave(&a4);

	KASSERT_TRUE(spin_trylock(&b4));
	spin_unlock(&b4);
	spin_unlock_irqrestore(&a4, irqs);
	nest(&b4, &a4);
	KEXPECT_EQ(lock_order_inversions(), before);

	irqs = arch_irq_enabled();
	arch_irq_disable();
	KASSERT_TRUE(spin_trylock(&c4));
	spin_lock(&d4);
	spin_unlock(&d4);
	spin_unlock(&c4);
	if (irqs)
		arch_irq_enable();
	nest(&d4, &c4);
	KEXPECT_EQ(lock_order_inversions(), before + 1);
}

KTEST(lockorder_ignores_locks_outside_the_kernel_image)
{
	unsigned long before = lock_order_inversions();
	struct spinlock x = SPINLOCK_INIT, y = SPINLOCK_INIT;

	/* Stack locks: another lock may have the same address later. */
	nest(&x, &y);
	nest(&y, &x);
	KEXPECT_EQ(lock_order_inversions(), before);
}
