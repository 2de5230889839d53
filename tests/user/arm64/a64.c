/*
 * arm64 user-mode tests: what the kernel must leave alone across system
 * calls, exceptions taken inside them, and preemption. arg: A64_* mode and
 * seed (a64.h). Exit status: the number of failed checks.
 */
#include "../check.h"
#include "a64.h"

/* What a64_run() loads (offsets: a64.h). */
struct a64_regs {
	uint64_t x[31], pad;
	uint64_t nzcv, tpidr, fpsr, fpcr;
	uint64_t q[32][2];
};
_Static_assert(__builtin_offsetof(struct a64_regs, nzcv) == A64_NZCV, "a64.h");
_Static_assert(__builtin_offsetof(struct a64_regs, tpidr) == A64_TPIDR, "a64.h");
_Static_assert(__builtin_offsetof(struct a64_regs, fpsr) == A64_FPSR, "a64.h");
_Static_assert(__builtin_offsetof(struct a64_regs, fpcr) == A64_FPCR, "a64.h");
_Static_assert(__builtin_offsetof(struct a64_regs, q) == A64_Q, "a64.h");
_Static_assert(sizeof(struct a64_regs) == A64_SIZE, "a64.h");

/* What a64_run() pushes, from its lowest address up. */
struct a64_dump {
	uint64_t q[16][4]; /* q30 q31, q28 q29, ... q0 q1 (each low half first) */
	uint64_t x30, pad0;
	uint64_t xp[14][2]; /* x28 x29, x26 x27, ... x2 x3 */
	uint64_t fpcr, pad1;
	uint64_t tpidrro, fpsr;
	uint64_t nzcv, tpidr;
	uint64_t x0, x1;
};
_Static_assert(sizeof(struct a64_dump) == A64_DUMP_SIZE, "a64.h");

unsigned long a64_run(const struct a64_regs *in, void *dump_end);
unsigned long a64_below_sp(unsigned long spin);
unsigned long a64_tiny_stack(unsigned long calls, void *stack_top, long pid);
unsigned long a64_fresh_state(void);

static uint64_t dump_x(const struct a64_dump *d, unsigned int n)
{
	if (n < 2)
		return n ? d->x1 : d->x0;
	if (n == 30)
		return d->x30;
	return d->xp[(28 - (n & ~1u)) / 2][n & 1];
}

static uint64_t dump_q(const struct a64_dump *d, unsigned int n, unsigned int half)
{
	return d->q[(30 - (n & ~1u)) / 2][(n & 1) * 2 + half];
}

/* Top 16 bits = the seed: never a kernel address (those start with 0xffff). */
static uint64_t pattern(unsigned long seed, unsigned int n)
{
	return (uint64_t)(seed & 0x7fff) << 48 | (uint64_t)(0x1000 + n) << 32 | 0xa5000000u | n;
}

static void fill(struct a64_regs *in, unsigned long seed)
{
	for (unsigned int n = 0; n < 31; n++)
		in->x[n] = pattern(seed, n);
	for (unsigned int n = 0; n < 32; n++) {
		in->q[n][0] = pattern(seed, 32 + n);
		in->q[n][1] = ~pattern(seed, 32 + n);
	}
	/* N and C or Z and V; FPSR cumulative bits; FPCR rounding mode and flush-to-zero. */
	in->nzcv = seed & 1 ? 0xa0000000 : 0x50000000;
	in->tpidr = pattern(seed, 99);
	in->fpsr = seed & 1 ? 0x8000000 : 0x8f;
	in->fpcr = seed & 1 ? 0x1800000 : 0x400000;
}

/* Each register as loaded, except what the event changed (expect). */
static void check(const struct a64_regs *expect, const struct a64_dump *d)
{
	for (unsigned int n = 0; n < 31; n++)
		if (dump_x(d, n) != expect->x[n]) {
			printf("FAIL x%u = %lx, want %lx\n", n, (unsigned long)dump_x(d, n),
			       (unsigned long)expect->x[n]);
			check_failures++;
		}
	for (unsigned int n = 0; n < 32; n++)
		for (unsigned int h = 0; h < 2; h++)
			if (dump_q(d, n, h) != expect->q[n][h]) {
				printf("FAIL q%u[%u] = %lx, want %lx\n", n, h,
				       (unsigned long)dump_q(d, n, h),
				       (unsigned long)expect->q[n][h]);
				check_failures++;
			}
	CHECK_EQ(d->nzcv, expect->nzcv);
	CHECK_EQ(d->tpidr, expect->tpidr);
	CHECK_EQ(d->fpsr, expect->fpsr);
	CHECK_EQ(d->fpcr, expect->fpcr);
	CHECK_EQ(d->tpidrro, 0);
}

static struct {
	uint8_t below[A64_DUMP_SIZE];
	uint64_t end[2];
} dump_area __attribute__((aligned(16)));

/* Load every register, make the call (spin = 0) or spin, check what came back. */
static void run(struct a64_regs *in, const struct a64_regs *expect)
{
	uintptr_t end = (uintptr_t)dump_area.end;

	CHECK_EQ(a64_run(in, dump_area.end), end - A64_DUMP_SIZE);
	check(expect, (const struct a64_dump *)(end - A64_DUMP_SIZE));
}

/* A system call: x8 the number, x0-x2 the arguments, x0 the result; nothing else moves. */
static void syscall_keeps_registers(unsigned long seed, long nr, long a0, long a1, long a2,
				    long result)
{
	struct a64_regs in, expect;

	fill(&in, seed);
	in.x[8] = nr;
	in.x[0] = a0;
	in.x[1] = a1;
	in.x[2] = a2;
	in.x[29] = 0;
	expect = in;
	expect.x[0] = result;
	run(&in, &expect);
}

/* Spinning long enough to be interrupted and preempted many times. */
static void preemption_keeps_registers(unsigned long seed)
{
	struct a64_regs in, expect;

	fill(&in, seed);
	in.x[29] = 40000000;
	expect = in;
	expect.x[29] = 0;
	expect.nzcv = 0x60000000; /* Z and C: the last subs reached 0 */
	run(&in, &expect);
}

#define TINY_CALLS 10000

static struct {
	uint8_t below[256];
	uint8_t stack[256];
	uint8_t above[256];
} tiny __attribute__((aligned(16)));

static void tiny_stack(void)
{
	long pid = sys_getpid();
	unsigned int touched = 0;

	memset(tiny.below, 0xa5, sizeof(tiny.below));
	memset(tiny.above, 0x5a, sizeof(tiny.above));
	CHECK_EQ(a64_tiny_stack(TINY_CALLS, tiny.stack + sizeof(tiny.stack), pid), 0);
	for (unsigned int i = 0; i < sizeof(tiny.below); i++)
		touched += tiny.below[i] != 0xa5 || tiny.above[i] != 0x5a;
	CHECK_EQ(touched, 0);
}

int main(unsigned long arg)
{
	unsigned long seed = A64_SEED(arg), fresh = a64_fresh_state();

	switch (A64_MODE(arg)) {
	case A64_FIRST_ENTRY:
		CHECK_EQ(fresh, 0);
		break;
	case A64_SYSCALLS:
		syscall_keeps_registers(seed, SYS_nop, 0, 0, 0, 0);
		/* The kernel takes (and fixes up) a fault on the unmapped buffer. */
		syscall_keeps_registers(seed, SYS_write, 1, 0x200000, 8, -EFAULT);
		syscall_keeps_registers(seed, SYS_yield, 0, 0, 0, 0);
		syscall_keeps_registers(seed, SYS_getpid, 0, 0, 0, sys_getpid());
		break;
	case A64_SYSCALL_ONCE:
		syscall_keeps_registers(seed, SYS_nop, 0, 0, 0, 0);
		break;
	case A64_PREEMPT:
		preemption_keeps_registers(seed);
		break;
	case A64_BELOW_SP:
		CHECK_EQ(a64_below_sp(40000000), 0);
		break;
	case A64_TINY_STACK:
		tiny_stack();
		break;
	default:
		return 255;
	}
	return check_failures;
}
