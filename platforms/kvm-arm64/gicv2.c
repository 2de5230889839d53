/*
 * GICv2: memory-mapped distributor and CPU interface. The CPU interface and
 * the distributor's registers of SGIs and PPIs are banked: each CPU sees its
 * own at the same addresses. At most 8 CPUs.
 */
#include <kiln/cpu.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <platform/irqchip.h>

#define GICD_CTLR	 0x000
#define GICD_ISENABLER	 0x100
#define GICD_IPRIORITYR	 0x400
#define GICD_ITARGETSR	 0x800
#define GICD_SGIR	 0xf00
#define GICD_SGIR_TARGET 16	    /* CPUTargetList: bits 23:16 */
#define GICD_SGIR_SELF	 (2u << 24) /* TargetListFilter: the sending CPU only */

#define GICC_CTLR 0x00
#define GICC_PMR  0x04
#define GICC_IAR  0x0c
#define GICC_EOIR 0x10

static volatile uint8_t *gicd, *gicc;
/* Each CPU's bit in a CPU target list (its CPU interface number), by cpu->index. */
static uint8_t target_bit[CONFIG_NR_CPUS];

static void write32(volatile uint8_t *base, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static uint32_t read32(volatile uint8_t *base, unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static int gicv2_init(const struct fdt *fdt, int node)
{
	uint64_t dist, dist_size, cpu, cpu_size;

	if (fdt_get_reg(fdt, node, 0, &dist, &dist_size) ||
	    fdt_get_reg(fdt, node, 1, &cpu, &cpu_size))
		return -1;
	gicd = mmu_map_mmio(dist, dist_size);
	gicc = mmu_map_mmio(cpu, cpu_size);
	write32(gicd, GICD_CTLR, 1);
	return 0;
}

/*
 * The banked GICD_ITARGETSR0-7 read back, in the bytes of this CPU's
 * private interrupts, the bit of its own interface (0 on a GIC with a
 * single interface, where only the self filter is needed).
 */
static void gicv2_cpu_init(void)
{
	uint32_t bits = 0;

	for (unsigned int i = 0; i < GIC_SPI_BASE / 4; i++)
		bits |= read32(gicd, GICD_ITARGETSR + 4 * i);
	target_bit[this_cpu()->index] = bits | bits >> 8 | bits >> 16 | bits >> 24;
	write32(gicc, GICC_PMR, 0xff); /* let every priority through */
	write32(gicc, GICC_CTLR, 1);
}

static void gicv2_enable(unsigned int intid)
{
	*(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = 0x80;
	write32(gicd, GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

static unsigned int gicv2_ack(void)
{
	return read32(gicc, GICC_IAR);
}

static void gicv2_eoi(unsigned int iar)
{
	write32(gicc, GICC_EOIR, iar);
}

static void gicv2_send_sgi(const struct cpu *target, unsigned int intid)
{
	if (target == this_cpu())
		write32(gicd, GICD_SGIR, GICD_SGIR_SELF | intid);
	else
		write32(gicd, GICD_SGIR,
			(uint32_t)target_bit[target->index] << GICD_SGIR_TARGET | intid);
}

const struct irqchip_ops gicv2_ops = {
	.name = "GICv2",
	.version = 2,
	.init = gicv2_init,
	.cpu_init = gicv2_cpu_init,
	.enable = gicv2_enable,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.send_sgi = gicv2_send_sgi,
};
