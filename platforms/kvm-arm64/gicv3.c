/* GICv3: memory-mapped distributor and redistributors, system-register CPU interface. */
#include <kiln/arch.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <arch/sysreg.h>
#include <platform/irqchip.h>

#define GICD_CTLR	 0x0000
#define GICD_CTLR_RWP	 (1u << 31)
#define GICD_CTLR_ENABLE ((1u << 4) | (1u << 1) | (1u << 0)) /* ARE, Grp1, Grp0 (DS=1) */
#define GICD_ISENABLER	 0x0100
#define GICD_IPRIORITYR	 0x0400
#define GICD_IGROUPR	 0x0080

#define GICR_FRAME_SIZE 0x20000
#define GICR_TYPER	0x0008
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_WAKER	0x0014
#define WAKER_SLEEP	(1u << 1)
#define WAKER_ASLEEP	(1u << 2)
#define GICR_SGI_BASE	0x10000
#define GICR_IGROUPR0	0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_IPRIORITYR 0x0400

#define ICC_SRE_EL1	S3_0_C12_C12_5
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_SGI1R_EL1	S3_0_C12_C11_5

static volatile uint8_t *gicd, *gicr_sgi;

static volatile uint32_t *reg32(volatile uint8_t *base, unsigned int off)
{
	return (volatile uint32_t *)(base + off);
}

static void wait_rwp(void)
{
	while (*reg32(gicd, GICD_CTLR) & GICD_CTLR_RWP)
		arch_cpu_relax();
}

/* This CPU's redistributor: the frame whose GICR_TYPER affinity matches MPIDR. */
static volatile uint8_t *find_redistributor(volatile uint8_t *gicr, size_t size)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint32_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);

	for (size_t off = 0; off + GICR_FRAME_SIZE <= size; off += GICR_FRAME_SIZE) {
		uint64_t typer = *(volatile uint64_t *)(gicr + off + GICR_TYPER);
		if ((typer >> 32) == aff)
			return gicr + off;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return NULL;
}

static int gicv3_init(const struct fdt *fdt, int node)
{
	uint64_t dist, dist_size, redist, redist_size;
	volatile uint8_t *rd;

	if (fdt_get_reg(fdt, node, 0, &dist, &dist_size) ||
	    fdt_get_reg(fdt, node, 1, &redist, &redist_size))
		return -1;
	gicd = mmu_map_mmio(dist, dist_size);
	rd = find_redistributor(mmu_map_mmio(redist, redist_size), redist_size);
	if (!rd)
		return -1;

	*reg32(gicd, GICD_CTLR) = GICD_CTLR_ENABLE;
	wait_rwp();

	*reg32(rd, GICR_WAKER) &= ~WAKER_SLEEP;
	while (*reg32(rd, GICR_WAKER) & WAKER_ASLEEP)
		arch_cpu_relax();
	gicr_sgi = rd + GICR_SGI_BASE;
	*reg32(gicr_sgi, GICR_IGROUPR0) = ~0u; /* SGIs and PPIs in group 1 */

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

static void gicv3_enable(unsigned int intid)
{
	if (intid < GIC_SPI_BASE) {
		*(volatile uint8_t *)(gicr_sgi + GICR_IPRIORITYR + intid) = 0x80;
		*reg32(gicr_sgi, GICR_ISENABLER0) = 1u << intid;
		return;
	}
	*(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = 0x80;
	*reg32(gicd, GICD_IGROUPR + 4 * (intid / 32)) |= 1u << (intid % 32);
	*reg32(gicd, GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
	wait_rwp();
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

/* Target list bit for Aff0 of this CPU, in this CPU's Aff3.Aff2.Aff1 cluster. */
static void gicv3_send_sgi_self(unsigned int intid)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
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
	.enable = gicv3_enable,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.send_sgi_self = gicv3_send_sgi_self,
};
