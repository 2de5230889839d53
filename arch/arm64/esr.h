/* ESR_EL1 decoding. */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#define ESR_EC(esr)  (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffff)

#define ESR_EC_UNKNOWN	0x00
#define ESR_EC_WFX	0x01
#define ESR_EC_FP	0x07
#define ESR_EC_ILLEGAL	0x0e
#define ESR_EC_SVC64	0x15
#define ESR_EC_HVC64	0x16
#define ESR_EC_SMC64	0x17
#define ESR_EC_SYSREG	0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR	0x2f
#define ESR_EC_BRK64	0x3c

/* Data/instruction abort ISS: fault status code and write-not-read. */
#define ESR_ABT_FSC(esr)     ((esr)&0x3f)
#define ESR_ABT_WNR	     (1u << 6)
#define FSC_TRANSLATION_L(n) (0x04 + (n))
#define FSC_PERMISSION_L(n)  (0x0c + (n))
#define FSC_ALIGNMENT	     0x21

const char *esr_class_name(unsigned int ec);

#endif
