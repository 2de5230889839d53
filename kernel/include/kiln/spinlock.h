/*
 * Ticket spinlocks: waiters are served in arrival order, so no CPU starves
 * under contention. spin_lock() is for callers whose interrupts are off
 * already; spin_lock_irqsave() turns them off. A lock taken from an interrupt
 * handler must be taken with interrupts disabled everywhere, else the handler
 * spins on the lock its own CPU holds.
 *
 * Without CONFIG_SMP the lock itself compiles away: with interrupts off, the
 * one CPU's holder cannot be preempted, so nobody else can be inside (the
 * ticket pair cost tiny's voluntary switch about 70 guest instructions).
 */
#ifndef KILN_SPINLOCK_H
#define KILN_SPINLOCK_H

#include <generated/autoconf.h>
#include <kiln/arch.h>
#include <kiln/types.h>

#ifdef CONFIG_SMP

struct spinlock;
#ifdef CONFIG_LOCK_ORDER_CHECK
/*
 * kernel/lockorder.c: before a CPU spins for l (checked against the locks it
 * holds), once a trylock took l (not checked: it cannot deadlock), when it
 * lets l go.
 */
void lock_order_acquire(struct spinlock *l);
void lock_order_took(struct spinlock *l);
void lock_order_release(struct spinlock *l);
/* How many inversions the checker reported. */
unsigned long lock_order_inversions(void);
#else
static inline void lock_order_acquire(struct spinlock *l)
{
	(void)l;
}
static inline void lock_order_took(struct spinlock *l)
{
	(void)l;
}
static inline void lock_order_release(struct spinlock *l)
{
	(void)l;
}
#endif

struct spinlock {
	uint32_t next;	/* the ticket the next arrival draws */
	uint32_t owner; /* the ticket being served */
};

#define SPINLOCK_INIT ((struct spinlock){0, 0})

static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket;

	lock_order_acquire(l);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
}

/* Takes the lock only if nobody holds or awaits it. */
static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED), ticket = owner;
	bool taken = __atomic_compare_exchange_n(&l->next, &ticket, owner + 1, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);

	if (taken)
		lock_order_took(l);
	return taken;
}

static inline void spin_unlock(struct spinlock *l)
{
	lock_order_release(l);
	/* Only the holder writes owner: a plain increment, published with release. */
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#else /* one CPU */

struct spinlock {
};

#define SPINLOCK_INIT ((struct spinlock){})

static inline void spin_lock(struct spinlock *l)
{
	(void)l;
}

static inline bool spin_trylock(struct spinlock *l)
{
	(void)l;
	return true;
}

static inline void spin_unlock(struct spinlock *l)
{
	(void)l;
}

#endif

/* Disables interrupts on this CPU, then locks; returns whether they were enabled. */
static inline bool spin_lock_irqsave(struct spinlock *l)
{
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	spin_lock(l);
	return irqs;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, bool irqs)
{
	spin_unlock(l);
	if (irqs)
		arch_irq_enable();
}

#endif
