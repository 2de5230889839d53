/* Local APIC (xAPIC, memory-mapped): CPU id, IPIs, EOI, timer. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#define LAPIC_DEFAULT_PA	0xfee00000
#define LAPIC_REG_ID		0x20
#define LAPIC_REG_EOI		0xb0
#define LAPIC_REG_SVR		0xf0
#define LAPIC_REG_ICR_LO	0x300
#define LAPIC_REG_ICR_HI	0x310
#define LAPIC_REG_LINT1		0x360
#define LAPIC_REG_LVT_TIMER	0x320
#define LAPIC_REG_TIMER_INIT	0x380
#define LAPIC_REG_TIMER_CURRENT 0x390
#define LAPIC_REG_TIMER_DIV	0x3e0
#define LAPIC_TIMER_DIV_16	0x3
#define LAPIC_LVT_MASKED	(1u << 16)
#define LAPIC_LVT_PERIODIC	(1u << 17)
#define LAPIC_LVT_DELIVERY	(7u << 8)
#define LAPIC_LVT_NMI		(4u << 8)

#define LAPIC_SPURIOUS_VECTOR 0xff

#ifndef __ASSEMBLER__
#include <kiln/types.h>

/* Mapped by lapic_init(); entry code of the percpu/array variant reads it too. */
extern volatile uint8_t *lapic_mmio;

static inline uint32_t lapic_read(unsigned int reg)
{
	return *(volatile uint32_t *)(lapic_mmio + reg);
}

static inline void lapic_write(unsigned int reg, uint32_t val)
{
	*(volatile uint32_t *)(lapic_mmio + reg) = val;
}

static inline unsigned int lapic_id(void)
{
	return lapic_read(LAPIC_REG_ID) >> 24;
}

/* On the boot CPU, first: map the registers, note firmware's NMI wiring (LINT1). */
void lapic_init(void);
/* On every CPU, once it can take an NMI: enable its local APIC, LINT1 as the boot CPU's. */
void lapic_cpu_init(void);
/* The LINT1 entry every CPU gets (firmware's on the boot CPU). */
uint32_t lapic_nmi_lint1(void);
void lapic_eoi(void);
/* IPIs, safe from any context that may take interrupts: they are off around the ICR writes. */
void lapic_send_self_ipi(unsigned int vector);
void lapic_send_ipi(unsigned int apic_id, unsigned int vector);
void lapic_send_nmi(unsigned int apic_id);
void lapic_send_init(unsigned int apic_id);
void lapic_send_startup(unsigned int apic_id, unsigned int page);
void lapic_timer_start(unsigned int vector, unsigned int hz);
#endif

#endif
