/* Core kernel services: command line, per-CPU lookup, and the KTAP harness itself. */
#include <kiln/cmdline.h>
#include <kiln/cpu.h>
#include <kiln/ktest.h>

KTEST(cmdline_finds_values)
{
	const char *cl = "  kiln.mode=test kiln.test=page_* x=1 kiln.mode=bench  noval ";
	char buf[16];

	KEXPECT_TRUE(cmdline_get(cl, "kiln.test", buf, sizeof(buf)));
	KEXPECT_STREQ(buf, "page_*");
	/* The last occurrence wins, as on Linux. */
	KEXPECT_TRUE(cmdline_get(cl, "kiln.mode", buf, sizeof(buf)));
	KEXPECT_STREQ(buf, "bench");
	KEXPECT_FALSE(cmdline_get(cl, "kiln", buf, sizeof(buf)));
	KEXPECT_FALSE(cmdline_get(cl, "noval", buf, sizeof(buf)));
	KEXPECT_FALSE(cmdline_get("", "x", buf, sizeof(buf)));
}

KTEST(cmdline_truncates_long_values)
{
	char buf[4];

	KEXPECT_TRUE(cmdline_get("k=abcdef", "k", buf, sizeof(buf)));
	KEXPECT_STREQ(buf, "abc");
}

KTEST(percpu_finds_boot_cpu)
{
	struct cpu *cpu = this_cpu();

	KEXPECT_EQ(cpu, &cpus[0]);
	KEXPECT_EQ(cpu->self, cpu);
	KEXPECT_EQ(cpu->index, 0);
	KEXPECT_EQ(cpu->hwid, arch_cpu_hwid());
}
