/* Benchmark runner: min and median cycles (or instructions) per operation. */
#include <kiln/arch.h>
#include <kiln/kbench.h>
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

static void run_one(const struct kbench_case *b, uint64_t hz, const char *unit)
{
	uint64_t per[KBENCH_BATCHES];

	batch(b); /* warm caches and TCG's translation cache */
	for (int i = 0; i < KBENCH_BATCHES; i++)
		per[i] = per_op_x100(batch(b), b->ops, hz);
	sort(per, KBENCH_BATCHES);
	printk("kbench: name=%s batches=%d ops=%lu min=%lu.%02lu median=%lu.%02lu unit=%s\n",
	       b->name, KBENCH_BATCHES, (unsigned long)b->ops, (unsigned long)(per[0] / 100),
	       (unsigned long)(per[0] % 100), (unsigned long)(per[KBENCH_BATCHES / 2] / 100),
	       (unsigned long)(per[KBENCH_BATCHES / 2] % 100), unit);
}

bool kbench_run_all(const char *filter, bool unit_insn)
{
	uint64_t hz;

	if (!FILTER_ALL_MATCH("kiln.bench", "benchmark", filter, __kbench_cases_start,
			      __kbench_cases_end))
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
