/* PSTATE/SPSR values; included from C and assembly. */
#ifndef ARCH_PSR_H
#define ARCH_PSR_H

#define PSR_MODE_EL0T	 0x0   /* EL0 (AArch64): sp is SP_EL0 */
#define PSR_MODE_EL1H	 0x5   /* EL1 using SP_EL1 */
#define PSR_MODE_EL_MASK 0xc   /* M[3:2]: the exception level, 0 = EL0 (AArch64 or AArch32) */
#define PSR_DAIF_MASKED	 0x3c0 /* D, A, I and F masked */
#define PSR_PAN_SHIFT	 22
#define PSR_PAN		 (1 << PSR_PAN_SHIFT)
#define SPSR_EL1H_MASKED (PSR_MODE_EL1H | PSR_DAIF_MASKED)

#endif
