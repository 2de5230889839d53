/* PSTATE/SPSR values; included from C and assembly. */
#ifndef ARCH_PSR_H
#define ARCH_PSR_H

#define PSR_MODE_EL1H	 0x5   /* EL1 using SP_EL1 */
#define PSR_DAIF_MASKED	 0x3c0 /* D, A, I and F masked */
#define SPSR_EL1H_MASKED (PSR_MODE_EL1H | PSR_DAIF_MASKED)

#endif
