/*
 * GICv3: memory-mapped distributor and redistributors (one per CPU), and a
 * system-register CPU interface. Each CPU finds its own redistributor and
 * keeps its SGI/PPI frame in rd_sgi[cpu->index].
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <kiln/spinlock.h>
#include <arch/sysreg.h>
#include <platform/irqchip.h>

#define GICD_CTLR	 0x0000
#define GICD_CTLR_RWP	 (1u << 31)
#define GICD_CTLR_ENABLE ((1u << 4) | (1u << 1) | (1u << 0)) /* ARE, Grp1, Grp0 (DS=1) */
#define GICD_ISENABLER	 0x0100
#define GICD_IPRIORITYR	 0x0400
#define GICD_IGROUPR	 0x0080

/* A redistributor: RD_base and SGI_base frames of 64 KiB, plus two more with virtual LPIs. */
#define GICR_FRAME_SIZE	     0x20000
#define GICR_FRAME_SIZE_VLPI 0x40000
#define GICR_TYPER	     0x0008
#define GICR_TYPER_VLPIS     (1ull << 1)
#define GICR_TYPER_LAST	     (1ull << 4)
#define GICR_WAKER	     0x0014
#define WAKER_SLEEP	     (1u << 1)
#define WAKER_ASLEEP	     (1u << 2)
#define GICR_SGI_BASE	     0x10000
#define GICR_IGROUPR0	     0x0080
#define GICR_ISENABLER0	     0x0100
#define GICR_IPRIORITYR	     0x0400

/* The device tree's "#redistributor-regions": how many "reg" entries after the distributor's. */
#define MAX_RDIST_REGIONS 8

#define ICC_SRE_EL1	S3_0_C12_C12_5
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_SGI1R_EL1	S3_0_C12_C11_5

static volatile uint8_t *gicd;
static struct {
	volatile uint8_t *base;
	size_t size;
} rdist[MAX_RDIST_REGIONS];
static unsigned int nr_rdist;
static volatile uint8_t *rd_sgi[CONFIG_NR_CPUS];
/* Enabling an SPI rewrites shared distributor words (GICD_IGROUPR). */
static struct spinlock dist_lock = SPINLOCK_INIT;

static volatile uint32_t *reg32(volatile uint8_t *base, unsigned int off)
{
	return (volatile uint32_t *)(base + off);
}

static void wait_rwp(void)
{
	while (*reg32(gicd, GICD_CTLR) & GICD_CTLR_RWP)
		arch_cpu_relax();
}

static int gicv3_init(const struct fdt *fdt, int node)
{
	uint64_t dist, dist_size, base, size;
	uint32_t regions = 1;
	int err = fdt_getprop_u32(fdt, node, "#redistributor-regions", &regions);

	if ((err && err != FDT_ERR_NOTFOUND) || regions < 1 || regions > MAX_RDIST_REGIONS ||
	    fdt_get_reg(fdt, node, 0, &dist, &dist_size))
		return -1;
	for (nr_rdist = 0; nr_rdist < regions; nr_rdist++) {
		if (fdt_get_reg(fdt, node, 1 + nr_rdist, &base, &size))
			return -1;
		rdist[nr_rdist].base = mmu_map_mmio(base, size);
		rdist[nr_rdist].size = size;
	}
	gicd = mmu_map_mmio(dist, dist_size);
	*reg32(gicd, GICD_CTLR) = GICD_CTLR_ENABLE;
	wait_rwp();
	return 0;
}

/* This CPU's redistributor: the one whose GICR_TYPER affinity is this CPU's MPIDR's. */
static volatile uint8_t *find_redistributor(uint64_t mpidr)
{
	uint32_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);

	for (unsigned int r = 0; r < nr_rdist; r++) {
		volatile uint8_t *rd = rdist[r].base, *end = rd + rdist[r].size;
		while (rd + GICR_FRAME_SIZE <= end) {
			uint64_t typer = *(volatile uint64_t *)(rd + GICR_TYPER);
			if ((typer >> 32) == aff)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			rd += typer & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_VLPI : GICR_FRAME_SIZE;
		}
	}
	return NULL;
}

static void gicv3_cpu_init(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	volatile uint8_t *rd = find_redistributor(mpidr);

	if (!rd)
		panic("GICv3: no redistributor for the CPU with MPIDR 0x%lx", (unsigned long)mpidr);
	*reg32(rd, GICR_WAKER) &= ~WAKER_SLEEP;
	while (*reg32(rd, GICR_WAKER) & WAKER_ASLEEP)
		arch_cpu_relax();
	rd_sgi[this_cpu()->index] = rd + GICR_SGI_BASE;
	*reg32(rd + GICR_SGI_BASE, GICR_IGROUPR0) = ~0u; /* SGIs and PPIs in group 1 */

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

static void gicv3_enable(unsigned int intid)
{
	volatile uint8_t *sgi = rd_sgi[this_cpu()->index];
	bool irqs;

	if (intid < GIC_SPI_BASE) {
		*(volatile uint8_t *)(sgi + GICR_IPRIORITYR + intid) = 0x80;
		*reg32(sgi, GICR_ISENABLER0) = 1u << intid;
		return;
	}
	irqs = spin_lock_irqsave(&dist_lock);
	*(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = 0x80;
	*reg32(gicd, GICD_IGROUPR + 4 * (intid / 32)) |= 1u << (intid % 32);
	*reg32(gicd, GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
	wait_rwp();
	spin_unlock_irqrestore(&dist_lock, irqs);
}

static unsigned int gicv3_ack(void)
{
	unsigned int iar = read_sysreg(ICC_IAR1_EL1);

	asm volatile("dsb sy" : : : "memory");
	return iar;
}

static void gicv3_eoi(unsigned int iar)
{
	write_sysreg(ICC_EOIR1_EL1, iar);
	isb();
}

/*
 * ICC_SGI1R_EL1: the target's cluster (Aff3.Aff2.Aff1) and its Aff0 as a
 * bit of the 16-bit target list (every startable CPU's Aff0 is below 16:
 * arch/hwid.h).
 */
static void gicv3_send_sgi(const struct cpu *target, unsigned int intid)
{
	uint64_t mpidr = target->arch.mpidr;
	uint64_t sgi = ((uint64_t)intid << 24) | (1ull << (mpidr & 0xf)) |
		       (((mpidr >> 8) & 0xff) << 16) | (((mpidr >> 16) & 0xff) << 32) |
		       (((mpidr >> 32) & 0xff) << 48);

	write_sysreg(ICC_SGI1R_EL1, sgi);
	isb();
}

const struct irqchip_ops gicv3_ops = {
	.name = "GICv3",
	.version = 3,
	.init = gicv3_init,
	.cpu_init = gicv3_cpu_init,
	.enable = gicv3_enable,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.send_sgi = gicv3_send_sgi,
};
