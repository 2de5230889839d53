/*
 * Lock-order checker (CONFIG_LOCK_ORDER_CHECK): a graph of "taken while
 * holding" edges between spinlocks, and a per-CPU stack of the locks held.
 * Before a CPU spins for B, each lock A it holds gets an edge A -> B; if B
 * already reaches A, some CPU took them the other way round and the two
 * orders can deadlock, whether or not they ever ran at the same time.
 *
 * A lock is its address, so only locks in the kernel image's data are
 * tracked: a lock on a stack (the boot stack is in the image too) or in a
 * page may be another lock at the same address later. Edges are only ever
 * added (atomic OR), so CPUs share the graph without a lock, which the
 * checker could not take anyway.
 */
#include <kiln/cpu.h>
#include <kiln/printk.h>
#include <kiln/spinlock.h>

#define MAX_LOCKS 64 /* one bit per lock in an edge mask */
#define MAX_HELD  8

extern char _data_start[], __bss_end[];

static struct spinlock *locks[MAX_LOCKS];
/* after[a] bit b: lock b was taken while lock a was held; site[a][b]: where. */
static uint64_t after[MAX_LOCKS];
static const void *site[MAX_LOCKS][MAX_LOCKS];
static uint64_t reported[MAX_LOCKS];
static unsigned long inversions;
static bool full;

struct held {
	int lock;
	const void *site;
};

struct held_stack {
	struct held held[MAX_HELD];
	unsigned int depth;
	bool busy; /* printk takes a lock: the checker stays out of its own reports */
};

static DEFINE_PER_CPU(struct held_stack, held_stacks);

/* l's index, registered on first sight; -1 for a lock the checker does not track. */
static int lock_index(struct spinlock *l)
{
	char *p = (char *)l;

	if (p < _data_start || p >= __bss_end || (p >= boot_stack_guard && p < boot_stack_top))
		return -1;
	for (int i = 0; i < MAX_LOCKS; i++) {
		struct spinlock *seen = __atomic_load_n(&locks[i], __ATOMIC_ACQUIRE);

		if (!seen && __atomic_compare_exchange_n(&locks[i], &seen, l, false,
							 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return i;
		if (seen == l)
			return i;
	}
	if (!__atomic_exchange_n(&full, true, __ATOMIC_RELAXED))
		printk("lockorder: more than %d locks; lock %p and later ones go unchecked\n",
		       MAX_LOCKS, l);
	return -1;
}

/* Every lock taken, directly or through others, after lock `from`. */
static uint64_t reach(int from)
{
	uint64_t seen = __atomic_load_n(&after[from], __ATOMIC_RELAXED), done = 0;

	while (seen != done) {
		uint64_t todo = seen & ~done;

		done = seen;
		for (int i = 0; i < MAX_LOCKS; i++)
			if (todo & (1ull << i))
				seen |= __atomic_load_n(&after[i], __ATOMIC_RELAXED);
	}
	return seen;
}

static void report_inversion(const struct held *h, int lock, const void *at)
{
	const void *earlier = site[lock][h->lock];

	__atomic_fetch_add(&inversions, 1, __ATOMIC_RELAXED);
	printk("lockorder: inversion: lock %p taken at %p while holding lock %p (taken at %p)\n",
	       locks[lock], at, locks[h->lock], h->site);
	if (earlier)
		printk("lockorder: the opposite order was taken at %p: lock %p while holding %p\n",
		       earlier, locks[h->lock], locks[lock]);
	else
		printk("lockorder: the opposite order was taken through other locks\n");
}

static void push(struct held_stack *s, int lock, const void *at)
{
	unsigned int d = s->depth;

	if (d == MAX_HELD) {
		printk("lockorder: more than %d locks held at %p; not tracking lock %p\n", MAX_HELD,
		       at, locks[lock]);
		return;
	}
	/* Depth first: an NMI that takes a lock in between pushes above this slot. */
	s->depth = d + 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	s->held[d] = (struct held){lock, at};
}

static void check_and_push(struct spinlock *l, const void *at, bool check)
{
	struct held_stack *s = &this_cpu_var(held_stacks);
	int lock;

	if (s->busy)
		return;
	s->busy = true;
	lock = lock_index(l);
	if (lock >= 0) {
		uint64_t bit = 1ull << lock;

		for (unsigned int i = 0; check && i < s->depth; i++) {
			const struct held *h = &s->held[i];

			if (h->lock == lock) {
				__atomic_fetch_add(&inversions, 1, __ATOMIC_RELAXED);
				printk("lockorder: lock %p taken at %p by the CPU that holds it "
				       "(taken at %p): it spins forever\n",
				       l, at, h->site);
			} else if (reach(lock) & (1ull << h->lock)) {
				if (!(__atomic_fetch_or(&reported[h->lock], bit, __ATOMIC_RELAXED) &
				      bit))
					report_inversion(h, lock, at);
			} else if (!(__atomic_fetch_or(&after[h->lock], bit, __ATOMIC_RELAXED) &
				     bit)) {
				site[h->lock][lock] = at;
			}
		}
		push(s, lock, at);
	}
	s->busy = false;
}

__attribute__((noinline)) void lock_order_acquire(struct spinlock *l)
{
	check_and_push(l, __builtin_return_address(0), true);
}

__attribute__((noinline)) void lock_order_took(struct spinlock *l)
{
	check_and_push(l, __builtin_return_address(0), false);
}

void lock_order_release(struct spinlock *l)
{
	struct held_stack *s = &this_cpu_var(held_stacks);

	if (s->busy)
		return;
	/* Usually the top; a lock let go out of order leaves the rest in place. */
	for (unsigned int i = s->depth; i-- > 0;) {
		if (locks[s->held[i].lock] != l)
			continue;
		for (unsigned int j = i + 1; j < s->depth; j++)
			s->held[j - 1] = s->held[j];
		s->depth--;
		return;
	}
}

unsigned long lock_order_inversions(void)
{
	return __atomic_load_n(&inversions, __ATOMIC_RELAXED);
}
