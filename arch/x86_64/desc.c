/* Descriptor tables: per-CPU GDT and TSS in the CPU's entry page, one shared IDT. */
#include <kiln/cpu.h>
#include <kiln/domain.h>
#include <kiln/string.h>
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/layout.h>

#define IDT_GATE_INTERRUPT 0x8e00 /* present, DPL 0, 64-bit interrupt gate */
#define IDT_GATE_DPL3	   0x6000 /* user mode may use it (int3, into) */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint16_t ist_type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

extern const uintptr_t trap_stub_table[256];

/*
 * One IDT for all CPUs, filled by the boot CPU before any other starts and
 * only read after: every gate is the same on every CPU (the same stub, the
 * same IST index), and what differs per CPU, the stacks an IST index and a
 * trap from user mode land on, is in each CPU's own TSS. Copies would be
 * 4 KiB each of identical bytes.
 */
static struct idt_gate idt[256] __aligned(PAGE_SIZE);
STATIC_ASSERT(sizeof(idt) == PAGE_SIZE, "the IDT is a page of its own");

static struct x86_entry_page entry_pages[CONFIG_NR_CPUS];

/*
 * NMI, #DF and #MC (arch/x86_64/hw.toml: ist) each get their own stack, so
 * they work whatever RSP was.
 */
static uint8_t
	ist_stacks[CONFIG_NR_CPUS][IST_COUNT][CONFIG_X86_IST_STACK_SIZE] __aligned(PAGE_SIZE);
STATIC_ASSERT(CONFIG_X86_IST_STACK_SIZE % PAGE_SIZE == 0, "IST stacks are whole pages");

static void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		uintptr_t addr = trap_stub_table[v];
		idt[v] = (struct idt_gate){
			.offset_lo = addr & 0xffff,
			.selector = GDT_KERNEL_CS,
			.ist_type = IDT_GATE_INTERRUPT | HW_VECTOR_IST(v) |
				    (HW_VECTOR_USER_GATE(v) ? IDT_GATE_DPL3 : 0),
			.offset_mid = (addr >> 16) & 0xffff,
			.offset_hi = addr >> 32,
		};
	}
}

uintptr_t ist_stack_base(unsigned int cpu, unsigned int ist)
{
	return (uintptr_t)ist_stacks[cpu][ist - 1];
}

static void gdt_init(struct cpu *cpu)
{
	struct x86_entry_page *a = &entry_pages[cpu->index];
	uintptr_t tss = (uintptr_t)&a->tss;
	uint64_t limit = sizeof(a->tss) - 1;

	cpu->arch.entry = a;
	a->cpu = cpu;
	a->kernel_cr3 = read_cr3();
	memset(&a->tss, 0, sizeof(a->tss));
	for (unsigned int ist = 1; ist <= IST_COUNT; ist++)
		a->tss.ist[ist - 1] = ist_stack_base(cpu->index, ist) + CONFIG_X86_IST_STACK_SIZE;
	a->tss.iomap_base = sizeof(a->tss);

	/* The order SYSCALL and SYSRET need (arch/layout.h). */
	a->gdt[0] = 0;
	a->gdt[GDT_KERNEL_CS / 8] = 0x00af9a000000ffff; /* 64-bit code, DPL 0 */
	a->gdt[GDT_KERNEL_DS / 8] = 0x00cf92000000ffff; /* data, DPL 0 */
	a->gdt[GDT_USER_DS / 8] = 0x00cff2000000ffff;	/* data, DPL 3 */
	a->gdt[GDT_USER_CS / 8] = 0x00affa000000ffff;	/* 64-bit code, DPL 3 */
	/* 64-bit available TSS: a 16-byte system descriptor. */
	a->gdt[GDT_TSS / 8] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
			      ((limit >> 16 & 0xf) << 48) | ((tss >> 24 & 0xff) << 56);
	a->gdt[GDT_TSS / 8 + 1] = tss >> 32;
}

static void load_tables(struct cpu *cpu)
{
	struct desc_ptr gdtr = {sizeof(cpu->arch.entry->gdt) - 1, (uintptr_t)cpu->arch.entry->gdt};
	struct desc_ptr idtr = {sizeof(idt) - 1, (uintptr_t)idt};

	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %2, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss"
		     :
		     : "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS)
		     : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(GDT_TSS));
	asm volatile("lidt %0" : : "m"(idtr));
}

void x86_entry_pages(struct cpu *cpu, x86_entry_pages_fn fn, void *arg)
{
	fn((uintptr_t)_entry_text_start, _entry_text_end - _entry_text_start, PROT_READ | PROT_EXEC,
	   arg);
	fn((uintptr_t)idt, sizeof(idt), PROT_READ, arg);
	/* The CPU sets descriptors' accessed and busy bits: writable. */
	fn((uintptr_t)cpu->arch.entry, sizeof(*cpu->arch.entry), PROT_READ | PROT_WRITE, arg);
	for (unsigned int ist = 1; ist <= IST_COUNT; ist++)
		fn(ist_stack_base(cpu->index, ist) + CONFIG_X86_IST_STACK_SIZE - PAGE_SIZE,
		   PAGE_SIZE, PROT_READ | PROT_WRITE, arg);
}

void tss_set_entry_stack(struct cpu *cpu, uintptr_t top)
{
	cpu->arch.entry->tss.rsp[0] = pt_entry_stack(cpu, top);
}

void desc_init_cpu(struct cpu *cpu)
{
	if (cpu->index == 0)
		idt_init();
	gdt_init(cpu);
	load_tables(cpu);
}
