/*
 * Interrupt sources: the legacy 8259 PICs, masked, each CPU's LAPIC timer
 * tick and the software interrupts (IPIs); the LAPIC acknowledges and ends
 * every interrupt.
 *
 * The legacy 8259 PICs. Firmware leaves them routing the PIT to vector 8,
 * which would arrive as a bogus #DF once interrupts are on: move them above
 * the exception vectors and mask every line. The local APIC does the work.
 */
#include <generated/autoconf.h>
#include <kiln/clock.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <arch/lapic.h>
#include <arch/cpu.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define PIC_BASE  0x20

#define TIMER_VECTOR	0x30
#define SELF_IRQ_VECTOR 0x40

static void pic_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT);
	outb(PIC2_CMD, ICW1_INIT);
	outb(PIC1_DATA, PIC_BASE);     /* master vectors 0x20-0x27 */
	outb(PIC2_DATA, PIC_BASE + 8); /* slave vectors 0x28-0x2f */
	outb(PIC1_DATA, 1 << 2);       /* slave on IRQ2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

static void timer_irq(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	clock_tick();
}

void platform_init(void)
{
	pic_disable();
	irq_register(TIMER_VECTOR, timer_irq, NULL);
	lapic_timer_start(TIMER_VECTOR, CONFIG_HZ);
}

/* A secondary CPU's tick (arch_cpu_init() enabled its local APIC already). */
void platform_cpu_init(void)
{
	lapic_timer_start(TIMER_VECTOR, CONFIG_HZ);
}

/* The vector is the IRQ number; the LAPIC's spurious vector must not be ended. */
struct irq_ack platform_irq_ack(unsigned int vector)
{
	return (struct irq_ack){vector != LAPIC_SPURIOUS_VECTOR ? vector : IRQ_SPURIOUS, 0};
}

void platform_irq_eoi(struct irq_ack ack)
{
	(void)ack;
	lapic_eoi();
}

/* Vectors 0x40-0x47: above the timer's, every CPU's local APIC takes them. */
unsigned int platform_self_irq(unsigned int n)
{
	BUG_ON(n >= PLATFORM_SOFT_IRQS);
	return SELF_IRQ_VECTOR + n;
}

void platform_send_self_irq(unsigned int irq)
{
	lapic_send_self_ipi(irq);
}

void platform_send_ipi(const struct cpu *target, unsigned int irq)
{
	lapic_send_ipi(target->hwid, irq);
}
