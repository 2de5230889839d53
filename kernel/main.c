/* kernel_main: bring up memory, then run what the command line asks for. */
#include <generated/build_info.h>
#include <kiln/arch.h>
#include <kiln/boot.h>
#include <kiln/cmdline.h>
#include <kiln/domain.h>
#include <kiln/kbench.h>
#include <kiln/kcrash.h>
#include <kiln/ktest.h>
#include <kiln/mm.h>
#include <kiln/page_alloc.h>
#include <kiln/pgtable.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/smp.h>
#include <kiln/stackprotector.h>
#include <kiln/string.h>
#include <kiln/thread.h>

static void print_banner(void)
{
	printk("\nKiln: profile=%s arch=%s platform=%s\n", KILN_PROFILE, KILN_ARCH, KILN_PLATFORM);
	printk("Kiln: components: %s\n", KILN_COMPONENTS);
}

static void print_ranges(const char *what, const struct mem_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printk("  %-9s [%p, %p) %lu KiB\n", what, (void *)(uintptr_t)r[i].start,
		       (void *)(uintptr_t)r[i].end, (unsigned long)((r[i].end - r[i].start) >> 10));
}

static void print_memory_map(const struct boot_info *bi)
{
	printk("Memory map:\n");
	print_ranges("ram", bi->ram, bi->nram);
	print_ranges("firmware", bi->firmware, bi->nfirmware);
	print_ranges("reserved", bi->reserved, bi->nreserved);
}

/* A command line that does not fit stops the kernel: part of it would run the wrong thing. */
static void check_cmdline_length(const struct boot_info *bi)
{
	if (bi->cmdline_len < BOOT_CMDLINE_MAX)
		return;
	printk("kiln: command line too long");
	if (bi->cmdline_len != SIZE_MAX)
		printk(" (%zu bytes)", bi->cmdline_len);
	printk(": the limit is %d bytes (BOOT_CMDLINE_MAX %d with the NUL); not running with part "
	       "of it\n",
	       BOOT_CMDLINE_MAX - 1, BOOT_CMDLINE_MAX);
	platform_exit(false);
}

/* The value of key into buf; a value longer than buf is an error, never cut short. */
static bool get_arg(const char *cmdline, const char *key, char *buf, size_t size)
{
	int len = cmdline_get(cmdline, key, buf, size);

	if (len >= (int)size) {
		printk("kiln: %s= value too long (%d bytes): the limit is %zu bytes\n", key, len,
		       size - 1);
		platform_exit(false);
	}
	return len >= 0;
}

/* Runs the KTAP suite; true when every test passed. */
static bool run_tests(const char *cmdline)
{
	char filter[128] = "";
	uint64_t cycles;
	int failed;

	get_arg(cmdline, "kiln.test", filter, sizeof(filter));
	failed = ktest_run_all(filter);
	if (failed < 0)
		return false;
	cycles = arch_cycles() - boot_tsc;
	printk("# kiln: boot-to-tests-done %lu cycles, %lu insn if run with -icount shift=0\n",
	       (unsigned long)cycles, (unsigned long)arch_cycles_to_icount_insn(cycles));
	return failed == 0;
}

static void do_nothing(void *arg)
{
	(void)arg;
}

/*
 * Bench mode's one-off figures (batches=1), whatever kiln.bench= selects:
 * boot to ready (first instruction to the workload able to start), and the
 * memory one more kernel thread, one more user thread (a process's, less
 * its address space: process_thread_memory()) and the page tables take,
 * counted from the page allocator; and the page tables while 1, 8 and 64
 * more memory domains exist (mem_domain_table_bytes()).
 */
static void report_figures(uint64_t ready_cycles, bool unit_insn)
{
	static const unsigned int domain_counts[] = {1, 8, 64};
	size_t free = page_alloc_free_count(), tables = pgtable_pages();
	struct thread *t = thread_create("probe", do_nothing, NULL, thread_current()->priority);
	size_t thread_pages = free - page_alloc_free_count() - (pgtable_pages() - tables);
	unsigned int kstacks;
	long user_bytes;

	thread_join(t);
	user_bytes = process_thread_memory("sleeper", 10000000, &kstacks);
	kbench_report_cycles("boot_to_ready", ready_cycles, unit_insn);
	kbench_report_bytes("thread_kernel_memory", (uint64_t)thread_pages * PAGE_SIZE);
	if (user_bytes >= 0)
		kbench_report_bytes("user_thread_kernel_memory", user_bytes);
	kbench_report_bytes("page_table_memory", (uint64_t)pgtable_pages() * PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(domain_counts); i++) {
		long bytes = mem_domain_table_bytes(domain_counts[i]);
		char name[40];

		snprintf(name, sizeof(name), "page_table_memory_%u_domain%s", domain_counts[i],
			 domain_counts[i] > 1 ? "s" : "");
		if (bytes >= 0)
			kbench_report_bytes(name, bytes);
	}
}

__noreturn void kernel_main(struct boot_info *bi)
{
	char mode[16] = "run";
	char arg[128] = "";
	uint64_t ready;

	stackprotector_init();
	print_banner();
	check_cmdline_length(bi);
	page_alloc_init(bi->ram, bi->nram, bi->reserved, bi->nreserved);
	mm_init(bi);
	sched_init();
	platform_init();
	smp_boot();
	/*
	 * Main (tests, benchmarks) is a thread like any other from here: the
	 * tick may preempt it. It stays on the boot CPU unless it moves itself;
	 * what it creates inherits that (thread_create()).
	 */
	arch_irq_enable();
	thread_set_affinity(0);
	ready = arch_cycles() - boot_tsc;
	get_arg(bi->cmdline, "kiln.mode", mode, sizeof(mode));

	if (!strcmp(mode, "test"))
		platform_exit(run_tests(bi->cmdline));
	if (!strcmp(mode, "bench")) {
		get_arg(bi->cmdline, "kiln.bench", arg, sizeof(arg));
		get_arg(bi->cmdline, "kiln.bench_unit", mode, sizeof(mode));
		if (!kbench_filter_valid(arg))
			platform_exit(false);
		report_figures(ready, !strcmp(mode, "insn"));
		platform_exit(kbench_run_all(arg, !strcmp(mode, "insn")));
	}
	if (!strcmp(mode, "crash")) {
		get_arg(bi->cmdline, "kiln.crash", arg, sizeof(arg));
		kcrash_run(arg);
		platform_exit(false);
	}
	if (strcmp(mode, "run")) {
		printk("kiln: unknown kiln.mode=%s (run, test, bench, crash)\n", mode);
		platform_exit(false);
	}
	print_memory_map(bi);
	page_alloc_print_stats();
	printk("Kiln: running the self-tests (the default workload)\n");
	bool pass = run_tests(bi->cmdline);
	printk("Kiln: %s; powering off\n", pass ? "all tests passed" : "TESTS FAILED");
	platform_exit(pass);
}
