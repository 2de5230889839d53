/* x87/SSE enablement. */
#include <arch/fpu.h>

#define CR0_MP	       (1ul << 1)
#define CR0_EM	       (1ul << 2)
#define CR0_TS	       (1ul << 3)
#define CR0_NE	       (1ul << 5)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)

void fpu_init(void)
{
	unsigned long cr0, cr4;
	uint32_t mxcsr = MXCSR_DEFAULT;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
	asm volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

/* The state FNINIT and the reset MXCSR give, with every x87 and XMM register zero. */
static const struct fxsave_area fpu_clean = {.fcw = FCW_DEFAULT, .mxcsr = MXCSR_DEFAULT};

void fpu_reset(void)
{
	asm volatile("fxrstor %0" : : "m"(fpu_clean));
}
