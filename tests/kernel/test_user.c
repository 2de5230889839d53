/*
 * Processes and system calls, arch-neutral: the test programs of
 * tests/user/ run as processes and report through their exit status; the
 * ELF loader is fed corrupted images.
 */
#include <kiln/arch.h>
#include <kiln/elf.h>
#include <kiln/ktest.h>
#include <kiln/page_alloc.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/string.h>

/* Spawn name(arg) from this kernel thread and return its exit status (or the spawn error). */
static long run(const char *name, unsigned long arg)
{
	long status, pid = process_spawn(name, arg);

	if (pid < 0)
		return pid;
	return process_wait(pid, &status) == pid ? status : -1000;
}

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

KTEST(user_processes_sleep_concurrently)
{
	long pids[10], status;

	for (unsigned int i = 0; i < 10; i++)
		pids[i] = process_spawn("sleeper", 5000000 + i * 100000);
	for (unsigned int i = 0; i < 10; i++) {
		KASSERT_GT(pids[i], 0);
		KEXPECT_EQ(process_wait(pids[i], &status), pids[i]);
		KEXPECT_EQ(status, 0);
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

/* Load the image into a fresh address space: elf_load's result, and the pages it mapped. */
static int load(size_t size, size_t *pages)
{
	struct uspace us;
	uintptr_t entry = 0;
	int ret;

	if (uspace_init(&us))
		return -ENOMEM;
	ret = elf_load(&us, img.bytes, size, &entry);
	*pages = us.pages;
	if (!ret && entry != img.eh.e_entry)
		ret = -1;
	if (!ret) {
		const uint8_t *text = uspace_kaddr(&us, TEXT_VA),
			      *data = uspace_kaddr(&us, DATA_VA);
		/* The file bytes and nothing more: the rest of each page is zero. */
		if (!text || !data || memcmp(text, &img.bytes[TEXT_OFF], 16) || text[16] ||
		    memcmp(data, &img.bytes[DATA_OFF], 8) || data[8] ||
		    *(uint8_t *)uspace_kaddr(&us, DATA_VA + 0x1fff))
			ret = -2;
	}
	uspace_destroy(&us);
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
