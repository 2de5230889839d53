/*
 * In-kernel microbenchmarks. KBENCH(name, ops) { ... } defines a function
 * that performs n operations; kiln.mode=bench times batches of ops
 * operations with the cycle counter and prints one machine-readable line
 * per benchmark:
 *   kbench: name=N batches=B ops=O min=X median=Y unit=U
 * U is "insn" (guest instructions, QEMU -icount shift=0), "ns", or "bytes" for sizes.
 */
#ifndef KILN_KBENCH_H
#define KILN_KBENCH_H

#include <kiln/compiler.h>
#include <kiln/types.h>

struct kbench_case {
	const char *name;
	uint64_t ops;
	void (*run)(uint64_t n);
	/* Instead of run: performs n operations and returns the cycles they took itself. */
	uint64_t (*measure)(uint64_t n);
};

#define KBENCH(bname, nops)                                                                \
	static void bname##_kbench(uint64_t n);                                            \
	static const struct kbench_case bname##_kbench_case __used __no_reorder __section( \
		".kbench_cases") __aligned(8) = {#bname, (nops), bname##_kbench, NULL};    \
	static void bname##_kbench(uint64_t n)

/* For costs only the benchmark can time (an interval inside another thread...). */
#define KBENCH_MEASURED(bname, nops)                                                       \
	static uint64_t bname##_kbench(uint64_t n);                                        \
	static const struct kbench_case bname##_kbench_case __used __no_reorder __section( \
		".kbench_cases") __aligned(8) = {#bname, (nops), NULL, bname##_kbench};    \
	static uint64_t bname##_kbench(uint64_t n)

#define KBENCH_BATCHES 10

/*
 * Runs every benchmark filter selects (see kiln/filter.h); false, running none, when a
 * pattern of filter selects no benchmark.
 */
bool kbench_run_all(const char *filter, bool unit_insn);
/* Whether every pattern of filter selects a benchmark (reports those that do not). */
bool kbench_filter_valid(const char *filter);

/* A single measurement (boot to ready...) in the same line format: batches=1 ops=1. */
void kbench_report_cycles(const char *name, uint64_t cycles, bool unit_insn);
/* A size figure (memory per thread...): unit=bytes. */
void kbench_report_bytes(const char *name, uint64_t bytes);

#endif
