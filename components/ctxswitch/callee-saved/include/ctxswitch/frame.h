/* ctxswitch/callee-saved: what ctx_switch() leaves on a switched-out thread's stack. */
#ifndef CTXSWITCH_FRAME_H
#define CTXSWITCH_FRAME_H

#include <kiln/types.h>

#if defined(__x86_64__)
struct switch_frame {
	uint32_t mxcsr;
	uint16_t fcw; /* x87 control word */
	uint16_t pad;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t rip; /* pushed by the call to ctx_switch() */
};
_Static_assert(sizeof(struct switch_frame) % 16 == 0,
	       "the frame ends 16-byte aligned below the return address: FXSAVE goes below it");
#elif defined(__aarch64__)
struct switch_frame {
	uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	uint64_t x29, x30;
	uint64_t d8, d9, d10, d11, d12, d13, d14, d15;
	uint64_t fpcr, pad;
};
#endif

#endif
