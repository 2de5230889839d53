/* pagetable/kpti, x86_64: the UTLS fields entry code reads. */
#include <kiln/asm_offsets.h>
#include <pagetable/kpti-x86_64.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(UTLS_KERNEL_CR3, kpti_utls, kernel_cr3);
	OFFSET(UTLS_USER_CR3, kpti_utls, user_cr3);
	OFFSET(UTLS_SCRATCH, kpti_utls, scratch);
	OFFSET(UTLS_STACK_TOP, kpti_utls, stack_top);
	OFFSET(UTLS_STACK_OFFSET, kpti_utls, stack_offset);
}
