/*
 * arm64 SMP bring-up: the CPU id packing, each online CPU's identity as its
 * own IRQ entry and C code see it (reached with an IPI), and PSCI CPU_ON's
 * errors. Apply to every profile: without SMP only the boot CPU is online.
 */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/ktest.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/smp.h>
#include <kiln/string.h>
#include <kiln/trap.h>
#include <arch/smp.h>
#include <platform/board.h>

/* How long one CPU has to take the test's IPI: generous, for 64 TCG CPUs on two host cores. */
#define IPI_TIMEOUT_NS (2 * 1000000000ull)

KTEST(arm64_hwid_packs_aff0_and_aff1)
{
	KEXPECT_EQ(mpidr_to_hwid(0x80000000), 0);	  /* RES1 bit 31 is not affinity */
	KEXPECT_EQ(mpidr_to_hwid(0x80000305), 0x35);	  /* Aff1 3, Aff0 5 */
	KEXPECT_EQ(mpidr_to_hwid(0x8100000f0full), 0xff); /* MT (bit 24) is not affinity */
	KEXPECT_TRUE(mpidr_hwid_fits(0x81000f0f));
	KEXPECT_FALSE(mpidr_hwid_fits(0x10));		/* Aff0 16: no bit in a GICv3 target list */
	KEXPECT_FALSE(mpidr_hwid_fits(0x1000));		/* Aff1 16 */
	KEXPECT_FALSE(mpidr_hwid_fits(0x10000));	/* Aff2 */
	KEXPECT_FALSE(mpidr_hwid_fits(0x100000000ull)); /* Aff3 */
	KEXPECT_LT(mpidr_to_hwid(~0ull), ARCH_MAX_HWID);
}

/* Distinct CPUs of the device tree get distinct ids: cpu_by_hwid[] cannot mix them up. */
KTEST(arm64_device_tree_cpus_have_distinct_ids)
{
	KEXPECT_TRUE(mpidr_hwid_fits(board_cpu_mpidr[0])); /* QEMU virt's CPUs all fit */
	for (unsigned int i = 0; i < board_nr_cpus; i++)
		for (unsigned int j = 0; j < i; j++)
			if (mpidr_hwid_fits(board_cpu_mpidr[i]) &&
			    mpidr_hwid_fits(board_cpu_mpidr[j]))
				KEXPECT_NE(mpidr_to_hwid(board_cpu_mpidr[i]),
					   mpidr_to_hwid(board_cpu_mpidr[j]));
}

/* What the CPU that took the test's IPI saw; the test sends one at a time. */
static struct {
	unsigned long hits;
	uint64_t mpidr, el;
	struct cpu *self;      /* this_cpu() in the handler */
	struct cpu *entry_cpu; /* what the IRQ entry code found (percpu's load_cpu_ptr) */
} seen;
/* The entry code's struct cpu * of the last trap on each CPU, by the MPIDR of the CPU. */
static struct cpu *entry_cpu_of[CONFIG_NR_CPUS];

/* The cpus[] slot of the CPU this runs on, found from MPIDR without the percpu variant. */
static int slot_of_this_cpu(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (cpu_online(i) && cpus[i].arch.mpidr == mpidr)
			return i;
	return -1;
}

static void note_entry_cpu(struct trap_frame *tf, struct cpu *cpu)
{
	int slot = slot_of_this_cpu();

	(void)tf;
	if (slot >= 0)
		entry_cpu_of[slot] = cpu;
}

static void note_ipi(unsigned int irq, void *arg)
{
	int slot = slot_of_this_cpu();

	(void)irq;
	(void)arg;
	seen.mpidr = read_sysreg(mpidr_el1);
	seen.el = (read_sysreg(CurrentEL) >> 2) & 3;
	seen.self = this_cpu();
	seen.entry_cpu = slot >= 0 ? entry_cpu_of[slot] : NULL;
	__atomic_fetch_add(&seen.hits, 1, __ATOMIC_RELEASE);
}

/*
 * On every online CPU, reached by platform_send_ipi() (the boot CPU by its
 * own SGI): the MPIDR read there is the one cpus[i].hwid packs, this_cpu()
 * and the entry code's CPU pointer are &cpus[i], it runs at EL1, and the
 * SGI arrives once.
 */
KTEST(arm64_ipi_reaches_each_cpu_and_it_knows_itself)
{
	unsigned int irq = platform_self_irq(2), reached = 0;
	bool irqs = arch_irq_enabled();

	memset(entry_cpu_of, 0, sizeof(entry_cpu_of));
	irq_register(irq, note_ipi, NULL);
	trap_probe = note_entry_cpu;
	arch_irq_enable(); /* the boot CPU takes its own */
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++) {
		uint64_t deadline = clock_ns() + IPI_TIMEOUT_NS;
		if (!cpu_online(i))
			continue;
		memset(&seen, 0, sizeof(seen));
		platform_send_ipi(&cpus[i], irq);
		while (!__atomic_load_n(&seen.hits, __ATOMIC_ACQUIRE) && clock_ns() < deadline)
			arch_cpu_relax();
		printk("# CPU %u: MPIDR 0x%lx, hw id 0x%x, %lu IPI(s)\n", i,
		       (unsigned long)seen.mpidr, cpus[i].hwid, seen.hits);
		KEXPECT_EQ(seen.hits, 1);
		KEXPECT_EQ(seen.el, 1); /* entered at EL2 (virtualization=on), it dropped to EL1 */
		KEXPECT_EQ(mpidr_to_hwid(seen.mpidr), cpus[i].hwid);
		KEXPECT_EQ(seen.mpidr & MPIDR_AFFINITY, cpus[i].arch.mpidr & MPIDR_AFFINITY);
		KEXPECT_EQ(seen.self, &cpus[i]);
		KEXPECT_EQ(seen.entry_cpu, &cpus[i]);
		reached += seen.hits == 1;
	}
	trap_probe = NULL;
	if (!irqs)
		arch_irq_disable();
	irq_unregister(irq);
	KEXPECT_EQ(reached, smp_cpus_online());
}

/* Where a CPU started by mistake would go: it stays there. */
static __noreturn void parked(void)
{
	for (;;)
		asm volatile("wfi");
}

KTEST(arm64_psci_cpu_on_nonexistent_cpu_is_invalid_parameters)
{
	uint64_t mpidr = 0xff; /* Aff0 255: QEMU virt numbers Aff0 0-15 */
	int err;

	for (unsigned int i = 0; i < board_nr_cpus; i++)
		KASSERT_NE(board_cpu_mpidr[i], mpidr);
	err = psci_cpu_on(mpidr, virt_to_phys((void *)parked), 0);
	KEXPECT_EQ(err, PSCI_INVALID_PARAMETERS);
	KEXPECT_STREQ(psci_strerror(err), "INVALID_PARAMETERS");
}

/*
 * platform_cpu_start() of a CPU that is running (the boot CPU) fails and
 * says why; of a hardware id no CPU node has, too, without a PSCI call.
 */
KTEST(arm64_psci_cpu_on_running_cpu_is_already_on)
{
	static struct cpu twin, nobody;
	uintptr_t stack = kstack_alloc();

	KASSERT_NE(stack, 0);
	KEXPECT_EQ(
		psci_cpu_on(cpus[0].arch.mpidr & MPIDR_AFFINITY, virt_to_phys((void *)parked), 0),
		PSCI_ALREADY_ON);
	KEXPECT_STREQ(psci_strerror(PSCI_ALREADY_ON), "ALREADY_ON");
	twin.index = CONFIG_NR_CPUS; /* no slot: only its name in the report */
	twin.hwid = cpus[0].hwid;
	KEXPECT_FALSE(platform_cpu_start(&twin, stack + KSTACK_SIZE));
	nobody.index = CONFIG_NR_CPUS;
	nobody.hwid = ARCH_MAX_HWID - 1; /* Aff1 15, Aff0 15: not on QEMU virt with 64 CPUs */
	KEXPECT_FALSE(platform_cpu_start(&nobody, stack + KSTACK_SIZE));
	kstack_free(stack);
	KEXPECT_STREQ(psci_strerror(-42), "an unknown PSCI status");
}
