/* The per-CPU data array. */
#include <kiln/cpu.h>

struct cpu cpus[CONFIG_NR_CPUS];
