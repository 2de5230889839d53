/* stackswitch/per-cpu, private: the arch half of what a switch publishes. */
#ifndef STACKSWITCH_PER_CPU_TCB_H
#define STACKSWITCH_PER_CPU_TCB_H

#include <kiln/types.h>

struct cpu;

/*
 * A thread that owns no kernel stack is about to run on cpu: make every
 * entry from user mode build its frame so that it ends at frame_end, the
 * end of that thread's TCB frame.
 */
void per_cpu_publish_frame(struct cpu *cpu, uintptr_t frame_end);

#endif
