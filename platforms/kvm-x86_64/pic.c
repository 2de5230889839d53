/*
 * The legacy 8259 PICs. Firmware leaves them routing the PIT to vector 8,
 * which would arrive as a bogus #DF once interrupts are on: move them above
 * the exception vectors and mask every line. The local APIC does the work.
 */
#include <kiln/platform.h>
#include <arch/cpu.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define PIC_BASE  0x20

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

void platform_init(void)
{
	pic_disable();
}
