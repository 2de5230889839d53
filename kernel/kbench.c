/* Benchmark runner: min and median cycles (or instructions) per operation. */
#include <kiln/arch.h>
#include <kiln/kbench.h>
#include <kiln/thread.h>
#include <kiln/filter.h>
#include <kiln/platform.h>
#include <kiln/printk.h>

extern const struct kbench_case __kbench_cases_start[], __kbench_cases_end[];

static void sort(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Hundredths of a unit per operation, so small costs keep two decimals. */
static uint64_t per_op_x100(uint64_t cycles, uint64_t ops, uint64_t hz)
{
	if (!hz)
		return arch_cycles_to_icount_insn(cycles * 100) / ops;
	return cycles * 1000000 / (hz / 1000) * 100 / ops;
}

/* Cycles one batch of b->ops operations took. */
static uint64_t batch(const struct kbench_case *b)
{
	uint64_t start;

	if (b->measure)
		return b->measure(b->ops);
	start = arch_cycles();
	b->run(b->ops);
	return arch_cycles() - start;
}

/* One result line; min, median in hundredths of a unit. */
static void print_line(const char *name, int batches, uint64_t ops, uint64_t min, uint64_t median,
		       const char *unit)
{
	printk("kbench: name=%s batches=%d ops=%lu min=%lu.%02lu median=%lu.%02lu unit=%s\n", name,
	       batches, (unsigned long)ops, (unsigned long)(min / 100), (unsigned long)(min % 100),
	       (unsigned long)(median / 100), (unsigned long)(median % 100), unit);
}

static void run_one(const struct kbench_case *b, uint64_t hz, const char *unit)
{
	uint64_t per[KBENCH_BATCHES];

	/* From the boot CPU, bound there (as each test: ktest.c), whatever the last one did. */
	thread_set_affinity(0);
	batch(b); /* warm caches and TCG's translation cache */
	for (int i = 0; i < KBENCH_BATCHES; i++)
		per[i] = per_op_x100(batch(b), b->ops, hz);
	sort(per, KBENCH_BATCHES);
	print_line(b->name, KBENCH_BATCHES, b->ops, per[0], per[KBENCH_BATCHES / 2], unit);
}

void kbench_report_cycles(const char *name, uint64_t cycles, bool unit_insn)
{
	uint64_t v = per_op_x100(cycles, 1, unit_insn ? 0 : platform_cycles_per_sec());

	print_line(name, 1, 1, v, v, unit_insn ? "insn" : "ns");
}

void kbench_report_bytes(const char *name, uint64_t bytes)
{
	print_line(name, 1, 1, bytes * 100, bytes * 100, "bytes");
}

bool kbench_filter_valid(const char *filter)
{
	return FILTER_ALL_MATCH("kiln.bench", "benchmark", filter, __kbench_cases_start,
				__kbench_cases_end);
}

bool kbench_run_all(const char *filter, bool unit_insn)
{
	uint64_t hz;

	if (!kbench_filter_valid(filter))
		return false;
	hz = unit_insn ? 0 : platform_cycles_per_sec();

	if (unit_insn)
		printk("kbench: unit=insn: guest instructions per operation (QEMU -icount shift=0: "
		       "one instruction is one nanosecond of virtual time on the cycle counter)\n");
	else
		printk("kbench: unit=ns: nanoseconds per operation, cycle counter calibrated at "
		       "%lu "
		       "Hz (under TCG this is host time)\n",
		       (unsigned long)hz);
	for (const struct kbench_case *b = __kbench_cases_start; b < __kbench_cases_end; b++)
		if (filter_matches(filter, b->name))
			run_one(b, hz, unit_insn ? "insn" : "ns");
	printk("kbench: done\n");
	return true;
}
