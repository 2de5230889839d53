/*
 * Processes and system calls, arch-neutral: the test programs of
 * tests/user/ run as processes and report through their exit status; the
 * ELF loader is fed corrupted images.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/elf.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/ktest.h>
#include <kiln/page_alloc.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/stackswitch.h>
#include <kiln/string.h>
#include <kiln/trap.h>
#include <kiln/syscall.h>
#include "user_run.h"

KTEST(user_process_exit_status)
{
	KEXPECT_EQ(run("hello", 42), 42);
	KEXPECT_EQ(run("hello", 0), 0);
}

KTEST(user_spawn_errors)
{
	long status;

	KEXPECT_EQ(process_spawn("no-such-program", 0), -ENOENT);
	KEXPECT_EQ(process_wait(99999, &status), -ECHILD);
}

KTEST(user_syscalls)
{
	KEXPECT_EQ(run("syscalls", 0), 0);
}

KTEST(user_bad_syscall_arguments)
{
	KEXPECT_EQ(run("badptr", 0), 0);
}

KTEST(user_spawn_wait_from_user)
{
	KEXPECT_EQ(run("spawner", 0), 0);
}

/* The kinds tests/user/fault.c knows (its enum fault). */
#define FAULT_KINDS 6

KTEST(user_fault_kills_only_the_process)
{
	for (unsigned long kind = 1; kind <= FAULT_KINDS; kind++)
		KEXPECT_EQ(run("fault", kind), KILN_STATUS_FAULT);
	/* The kernel went on: a process still runs to completion. */
	KEXPECT_EQ(run("hello", 3), 3);
}

/* A kernel thread that counts while counting is set: something else that runs. */
static volatile bool counting;
static volatile unsigned long counted;

static void count(void *arg)
{
	(void)arg;
	while (counting)
		counted++;
}

/* User threads on this CPU's sleep list (interrupts disabled). */
static unsigned int user_threads_asleep(void)
{
	unsigned int n = 0;

	for (struct thread *t = this_cpu()->sleepers; t; t = t->next)
		n += t->process != NULL;
	return n;
}

#define SLEEPERS 10

/*
 * Ten processes sleep in sleep_ns at once while a kernel thread runs, and
 * each wakes to its own result (sleeper checks that the call returned 0 and
 * the clock moved). Meanwhile they hold a kernel stack each where the
 * stackswitch policy gives user threads one, and none where it gives them
 * none (STACKSWITCH_STACKLESS_USER_THREADS): the per-cpu case.
 */
KTEST(user_processes_sleep_concurrently)
{
	unsigned int stacks, asleep = 0, stacks_asleep = 0, still_asleep = 0;
	unsigned long counted_asleep = 0;
	long pids[SLEEPERS], status;
	struct thread *counter;

	counting = true;
	counter = thread_create("counter", count, NULL, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(counter != NULL);
	stacks = kstack_count();
	for (unsigned int i = 0; i < SLEEPERS; i++)
		pids[i] = process_spawn("sleeper", 300000000 + i * 1000000);
	/* Let them run until all ten sleep; then the counter runs 10 ms with them asleep. */
	for (int tries = 0; tries < 100 && asleep < SLEEPERS; tries++) {
		thread_yield();
		arch_irq_disable();
		asleep = user_threads_asleep();
		stacks_asleep = kstack_count();
		arch_irq_enable();
	}
	counted_asleep = counted;
	thread_sleep_ns(10000000);
	counted_asleep = counted - counted_asleep;
	arch_irq_disable();
	still_asleep = user_threads_asleep();
	arch_irq_enable();
	for (unsigned int i = 0; i < SLEEPERS; i++) {
		KASSERT_GT(pids[i], 0);
		KEXPECT_EQ(process_wait(pids[i], &status), pids[i]);
		KEXPECT_EQ(status, 0);
	}
	counting = false;
	thread_join(counter);
	printk("# %u processes asleep at once, kernel stacks %u -> %u, counter +%lu meanwhile\n",
	       asleep, stacks, stacks_asleep, counted_asleep);
	KEXPECT_EQ(asleep, SLEEPERS);
	KEXPECT_EQ(still_asleep, SLEEPERS);
	KEXPECT_GT(counted_asleep, 0);
	if (STACKSWITCH_STACKLESS_USER_THREADS)
		KEXPECT_EQ(stacks_asleep, stacks);
	else
		KEXPECT_GE(stacks_asleep, stacks + SLEEPERS);
}

/*
 * The kernel memory a user thread holds while it sleeps (the bench figure
 * user_thread_kernel_memory): its struct thread page, plus its kernel
 * stacks where the policy gives it any. Under per-cpu the page is all.
 */
KTEST(user_thread_kernel_memory)
{
	unsigned int kstacks = ~0u;
	long bytes;

	/* What lives on after the first process (the empty user space) is allocated by now. */
	KASSERT_EQ(run("hello", 0), 0);
	bytes = process_thread_memory("sleeper", 5000000, &kstacks);
	printk("# a sleeping user thread holds %ld bytes of kernel memory, %u kernel stacks\n",
	       bytes, kstacks);
	if (STACKSWITCH_STACKLESS_USER_THREADS) {
		KEXPECT_EQ(bytes, PAGE_SIZE);
		KEXPECT_EQ(kstacks, 0);
	} else {
		KEXPECT_GE(kstacks, 1);
		KEXPECT_EQ(bytes, PAGE_SIZE + kstacks * KSTACK_SIZE);
	}
}

/* What the system-call probe saw of the blocker process. */
static struct {
	unsigned int calls, waits, depth, depth_changed;
	unsigned long preempted_before_spin, preempted_at_exit;
} blocker;

static bool current_is(struct cpu *cpu, const char *program)
{
	struct process *p = cpu->current->process;

	return p && !strcmp(p->name, program);
}

static void note_blocker(struct trap_frame *tf, struct cpu *cpu)
{
	if (!current_is(cpu, "blocker"))
		return;
	/* Every system call from user mode starts at the same trap depth, however it resumed. */
	if (!blocker.calls++)
		blocker.depth = cpu->trap_depth;
	blocker.depth_changed += cpu->trap_depth != blocker.depth;
	if (arch_syscall_nr(tf) == SYS_wait)
		blocker.waits++;
	else if (arch_syscall_nr(tf) == SYS_sleep_ns)
		blocker.preempted_before_spin = cpu->current->preemptions;
	else if (arch_syscall_nr(tf) == SYS_exit)
		blocker.preempted_at_exit = cpu->current->preemptions;
}

static volatile bool napping;

/* A higher-priority thread that wakes at every tick: whatever runs is preempted then. */
static void nap(void *arg)
{
	(void)arg;
	while (napping)
		thread_sleep_ns(1000000);
}

/*
 * System calls that block come back with their results (tests/user/blocker.c
 * checks sleep_ns, yield and wait; a kernel thread of the same priority
 * runs, so that the yield switches). Where the policy keeps no kernel
 * context for a blocked thread, the wait is restarted: the probe sees it
 * once more (a wait that blocks, runs again, then one that fails). And a
 * thread resumed that way is preemptible again: a tick-driven thread
 * preempts it during the spin that follows its last sleep, where no system
 * call runs; and the system call after that runs at the trap depth they all
 * do.
 */
KTEST(user_blocked_syscalls_resume_with_their_results)
{
	struct thread *napper, *counter;

	memset(&blocker, 0, sizeof(blocker));
	napping = counting = true;
	napper = thread_create("napper", nap, NULL, THREAD_PRIO_DEFAULT + 1);
	counter = thread_create("counter", count, NULL, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(napper != NULL && counter != NULL);
	syscall_probe = note_blocker;
	KEXPECT_EQ(run("blocker", platform_cycles_per_sec() / 10), 0);
	syscall_probe = NULL;
	napping = counting = false;
	thread_join(napper);
	thread_join(counter);
	printk("# blocker: %u wait calls, preempted %lu times while spinning\n", blocker.waits,
	       blocker.preempted_at_exit - blocker.preempted_before_spin);
	KEXPECT_EQ(blocker.waits, STACKSWITCH_STACKLESS_USER_THREADS ? 3 : 2);
	KEXPECT_GE(blocker.preempted_at_exit - blocker.preempted_before_spin, 1);
	KEXPECT_EQ(blocker.depth_changed, 0);
}

#define WRITES 4

/* The writer process as the probes and its watcher see it. */
static struct {
	struct thread *thread;
	volatile bool writing;
	unsigned int irq;
	unsigned long writes, irqs_inside, irqs_on_c_stack, finished, unfinished;
	volatile bool stop;
} writer;

/* Each write raises an interrupt that arrives inside it, once the call enables interrupts. */
static void note_writer(struct trap_frame *tf, struct cpu *cpu)
{
	if (!current_is(cpu, "writer"))
		return;
	writer.thread = cpu->current;
	writer.writing = arch_syscall_nr(tf) == SYS_write;
	if (writer.writing) {
		writer.writes++;
		platform_send_self_irq(writer.irq);
	}
}

/*
 * What the tick does when a time slice ends: ask for a switch. Inside the
 * write, on the stack the policy runs an interrupt handler on there: the
 * thread's own kernel stack, the CPU's where user threads own none, or the
 * CPU's IRQ stack where the policy has one.
 */
static void resched_irq(unsigned int irq, void *arg)
{
	struct cpu *cpu = this_cpu();
	struct thread *t = cpu->current;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t base = t->stack_base ? t->stack_base : cpu->kstack_base;
	uintptr_t top = t->stack_base ? t->stack_top : cpu->kstack_top;

	if (cpu->irq_stack_top) {
		top = cpu->irq_stack_top;
		base = top - KSTACK_SIZE;
	}

	(void)irq;
	(void)arg;
	if (writer.writing && t == writer.thread) {
		writer.irqs_inside++;
		writer.irqs_on_c_stack += sp >= base && sp < top;
	}
	cpu->need_resched = true;
}

/*
 * Runs whenever the writer is switched out. Where the policy keeps no
 * kernel context for it, that must not happen inside a write: its frame
 * then already holds the write's result.
 */
static void watch_writer(void *arg)
{
	(void)arg;
	while (!writer.stop) {
#if STACKSWITCH_STACKLESS_USER_THREADS
		arch_irq_disable();
		if (writer.writing) {
			long result = arch_syscall_result(stackswitch_user_frame(writer.thread));

			writer.finished += result == KILN_WRITE_MAX;
			writer.unfinished += result != KILN_WRITE_MAX;
		}
		arch_irq_enable();
#endif
		thread_yield();
	}
}

/*
 * A tick that asks for a switch inside a long system call (a write of
 * KILN_WRITE_MAX bytes): every write completes with its count. Under a
 * policy that keeps no kernel context for a switched-out user thread the
 * switch waits for the call's way out: the thread is switched then, its
 * result in its frame, and never inside (the watcher, a thread of the same
 * priority, sees it switched out only after writes).
 */
KTEST(user_syscall_preemption_waits_for_the_end_of_the_call)
{
	struct thread *watcher;

	memset(&writer, 0, sizeof(writer));
	writer.irq = platform_self_irq(2);
	irq_register(writer.irq, resched_irq, NULL);
	watcher = thread_create("watcher", watch_writer, NULL, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(watcher != NULL);
	syscall_probe = note_writer;
	KEXPECT_EQ(run("writer", WRITES), 0);
	syscall_probe = NULL;
	writer.stop = true;
	thread_join(watcher);
	irq_unregister(writer.irq);
	printk("# writer: %lu writes, %lu interrupts inside (%lu on the call's stack), "
	       "switched out %lu times after a write, %lu inside one\n",
	       writer.writes, writer.irqs_inside, writer.irqs_on_c_stack, writer.finished,
	       writer.unfinished);
	KEXPECT_EQ(writer.writes, WRITES);
	KEXPECT_EQ(writer.irqs_inside, WRITES);
	KEXPECT_EQ(writer.irqs_on_c_stack, WRITES);
	if (STACKSWITCH_STACKLESS_USER_THREADS) {
		KEXPECT_GE(writer.finished, WRITES);
		KEXPECT_EQ(writer.unfinished, 0);
	}
}

KTEST(user_process_memory_is_freed)
{
	size_t before;

	/* The first run may allocate what lives on (the empty user space). */
	KASSERT_EQ(run("hello", 0), 0);
	before = page_alloc_free_count();
	KEXPECT_EQ(run("hello", 0), 0);
	KEXPECT_EQ(run("fault", 1), KILN_STATUS_FAULT);
	KEXPECT_EQ(page_alloc_free_count(), before);
}

/*
 * A small valid executable: text (R X) at 0x400000 and data (R W, partly
 * bss) on the next page; the corruptions below each break one rule.
 */
#define TEXT_VA	 0x400000ul
#define DATA_VA	 0x401000ul
#define TEXT_OFF 0x1000ul
#define DATA_OFF 0x1010ul

static union {
	struct {
		struct elf64_ehdr eh;
		struct elf64_phdr ph[2];
	};
	uint8_t bytes[0x2000];
} img;

static void make_image(void)
{
	memset(&img, 0, sizeof(img));
	memcpy(img.eh.e_ident, "\177ELF\2\1\1", 7);
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = ELF_MACHINE;
	img.eh.e_version = 1;
	img.eh.e_entry = TEXT_VA + 4;
	img.eh.e_phoff = sizeof(img.eh);
	img.eh.e_ehsize = sizeof(img.eh);
	img.eh.e_phentsize = sizeof(struct elf64_phdr);
	img.eh.e_phnum = 2;
	img.ph[0] = (struct elf64_phdr){.p_type = PT_LOAD,
					.p_flags = PF_R | PF_X,
					.p_offset = TEXT_OFF,
					.p_vaddr = TEXT_VA,
					.p_filesz = 16,
					.p_memsz = 16};
	img.ph[1] = (struct elf64_phdr){.p_type = PT_LOAD,
					.p_flags = PF_R | PF_W,
					.p_offset = DATA_OFF,
					.p_vaddr = DATA_VA,
					.p_filesz = 8,
					.p_memsz = 0x2000};
	for (unsigned int i = 0; i < 24; i++)
		img.bytes[TEXT_OFF + i] = 0xa0 + i;
}

/* The kernel's address of user address va in the loaded segments, or NULL. */
static uint8_t *seg_kaddr(const struct mem_partition *segs, unsigned int n, uintptr_t va)
{
	for (unsigned int i = 0; i < n; i++)
		if (va >= segs[i].start && va - segs[i].start < segs[i].size)
			return mem_partition_kaddr(&segs[i], va);
	return NULL;
}

/* Load the image into a fresh domain: elf_load's result, and the pages it mapped. */
static int load(size_t size, size_t *pages)
{
	struct mem_partition segs[ELF_MAX_PHDRS];
	struct mem_domain d;
	unsigned int nsegs;
	uintptr_t entry = 0;
	int ret;

	if (mem_domain_init(&d))
		return -ENOMEM;
	ret = elf_load(&d, segs, &nsegs, img.bytes, size, &entry);
	*pages = 0;
	for (unsigned int i = 0; i < nsegs; i++)
		*pages += segs[i].size / PAGE_SIZE;
	if (!ret && entry != img.eh.e_entry)
		ret = -1;
	if (!ret) {
		const uint8_t *text = seg_kaddr(segs, nsegs, TEXT_VA),
			      *data = seg_kaddr(segs, nsegs, DATA_VA),
			      *data_end = seg_kaddr(segs, nsegs, DATA_VA + 0x1fff);
		/* The file bytes and nothing more: the rest of each page is zero. */
		if (!text || !data || !data_end || memcmp(text, &img.bytes[TEXT_OFF], 16) ||
		    text[16] || memcmp(data, &img.bytes[DATA_OFF], 8) || data[8] || *data_end)
			ret = -2;
	}
	mem_domain_destroy(&d);
	for (unsigned int i = 0; i < nsegs; i++)
		mem_partition_free(&segs[i]);
	return ret;
}

KTEST(elf_loader_loads_a_valid_image)
{
	size_t pages;

	make_image();
	KEXPECT_EQ(load(sizeof(img), &pages), 0);
	KEXPECT_EQ(pages, 3);
}

enum corruption {
	BAD_MAGIC,
	BAD_CLASS,
	BAD_MACHINE,
	BAD_TYPE,
	TRUNCATED,
	PHNUM_ZERO,
	PHNUM_HUGE,
	PHOFF_OUTSIDE,
	PHENTSIZE_WRONG,
	SEGMENT_IN_KERNEL,
	SEGMENT_BELOW_USER,
	SEGMENT_WRAPS,
	SEGMENTS_OVERLAP,
	FILESZ_OVER_MEMSZ,
	FILE_BYTES_OUTSIDE,
	ENTRY_NOT_EXECUTABLE,
	ENTRY_PAST_SEGMENT,
	WRITABLE_AND_EXECUTABLE,
	INTERPRETER,
	NO_LOAD_SEGMENT,
	CORRUPTIONS,
};

static size_t corrupt(enum corruption c)
{
	size_t size = sizeof(img);

	make_image();
	switch (c) {
	case BAD_MAGIC:
		img.eh.e_ident[1] = 'X';
		break;
	case BAD_CLASS:
		img.eh.e_ident[4] = 1;
		break;
	case BAD_MACHINE:
		img.eh.e_machine = ELF_MACHINE + 1;
		break;
	case BAD_TYPE:
		img.eh.e_type = 3;
		break;
	case TRUNCATED:
		size = sizeof(img.eh) - 1;
		break;
	case PHNUM_ZERO:
		img.eh.e_phnum = 0;
		break;
	case PHNUM_HUGE:
		img.eh.e_phnum = 0xffff;
		break;
	case PHOFF_OUTSIDE:
		img.eh.e_phoff = ~0ul - 8;
		break;
	case PHENTSIZE_WRONG:
		img.eh.e_phentsize = 32;
		break;
	case SEGMENT_IN_KERNEL:
		img.ph[1].p_vaddr = 0xffff800000000000ul;
		break;
	case SEGMENT_BELOW_USER:
		img.ph[1].p_vaddr = 0;
		break;
	case SEGMENT_WRAPS:
		img.ph[1].p_memsz = ~0ul - 0x1000;
		break;
	case SEGMENTS_OVERLAP:
		img.ph[1].p_vaddr = TEXT_VA + 0x800;
		break;
	case FILESZ_OVER_MEMSZ:
		img.ph[1].p_filesz = img.ph[1].p_memsz + 1;
		break;
	case FILE_BYTES_OUTSIDE:
		img.ph[1].p_offset = sizeof(img) - 4;
		break;
	case ENTRY_NOT_EXECUTABLE:
		img.eh.e_entry = DATA_VA;
		break;
	case ENTRY_PAST_SEGMENT:
		img.eh.e_entry = TEXT_VA + 16;
		break;
	case WRITABLE_AND_EXECUTABLE:
		img.ph[1].p_flags |= PF_X;
		break;
	case INTERPRETER:
		img.ph[0].p_type = PT_INTERP;
		break;
	case NO_LOAD_SEGMENT:
		img.ph[0].p_type = img.ph[1].p_type = 4 /* PT_NOTE */;
		break;
	case CORRUPTIONS:
		break;
	}
	return size;
}

KTEST(elf_loader_refuses_malformed_images)
{
	for (int c = 0; c < CORRUPTIONS; c++) {
		size_t pages = ~0ul, size = corrupt(c);
		int ret = load(size, &pages);

		if (ret != -ENOEXEC || pages)
			printk("# corruption %d: elf_load = %d, %zu pages mapped\n", c, ret, pages);
		KEXPECT_EQ(ret, -ENOEXEC);
		KEXPECT_EQ(pages, 0);
	}
}

KTEST(user_breakpoints_kill_unless_skipped)
{
	long status, pid;

	/* A breakpoint is fatal by default... */
	KEXPECT_EQ(run("bench_trap", 1000), KILN_STATUS_FAULT);
	/* ...and resumes past itself for a process spawned to skip them (the trap benchmark). */
	pid = process_spawn_flags("bench_trap", 1000, SPAWN_SKIP_BREAKPOINTS);
	KASSERT_GT(pid, 0);
	KEXPECT_EQ(process_wait(pid, &status), pid);
	KEXPECT_GT(status, 1000);
}
