/*
 * The hardware CPU id (cpu->hwid, the index of percpu/array's cpu_by_hwid[])
 * packed from MPIDR_EL1: Aff0[3:0] in bits 3:0, Aff1[3:0] in bits 7:4.
 * Included from C and assembly.
 *
 * QEMU virt numbers CPU n as Aff1 = n / 16, Aff0 = n % 16 under GICv3 (n / 8,
 * n % 8 under GICv2: -smp 64 spans Aff1 0-3), and a GICv3 SGI's target list
 * reaches Aff0 0-15 only: 256 ids cover 16 clusters of 16 CPUs. A CPU whose
 * affinity has other bits (MPIDR_HWID_FITS) is left parked.
 */
#ifndef ARCH_HWID_H
#define ARCH_HWID_H

#define ARCH_MAX_HWID 256
/* MPIDR_EL1 Aff3 (39:32), Aff2, Aff1, Aff0 (7:0). */
#define MPIDR_AFFINITY 0xff00ffffffull
/* The affinity bits MPIDR_TO_HWID keeps: an MPIDR with none other set packs without loss. */
#define MPIDR_HWID_BITS 0xf0full

/*
 * The packing, the one definition entry code (percpu/array) and C
 * (arch_cpu_hwid()) both use: instructions that turn the MPIDR in 64-bit
 * register r into the id. Keep Aff0 and Aff1 in the low nibbles of bytes 0
 * and 1, copy Aff1 four bits down, keep the low byte. One register, no
 * flags: usable where the stack pointer is the only other register
 * (load_cpu_ptr_sp). GNU as takes ';' between instructions and immediates
 * without '#', which keeps the C preprocessor out of the way.
 */
#define MPIDR_TO_HWID(r)              \
	and r, r, 0x0f0f0f0f0f0f0f0f; \
	add r, r, r, lsr 4;           \
	and r, r, 0xff

#ifndef __ASSEMBLER__
#include <kiln/types.h>

#define HWID_STR_(x...) #x
#define HWID_STR(x...)	HWID_STR_(x)

static inline unsigned int mpidr_to_hwid(uint64_t mpidr)
{
	/* Unformatted: clang-format would write "% 0", which is no operand. */
	// clang-format off
	asm(HWID_STR(MPIDR_TO_HWID(%0)) : "+r"(mpidr));
	// clang-format on
	return mpidr;
}

static inline bool mpidr_hwid_fits(uint64_t mpidr)
{
	return !(mpidr & MPIDR_AFFINITY & ~MPIDR_HWID_BITS);
}
#endif

#endif
