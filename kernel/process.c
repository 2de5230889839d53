/*
 * Processes: spawn an embedded program into a fresh address space, run it
 * on one user thread, collect its exit status. The list of processes is
 * only touched with interrupts disabled.
 */
#include <kiln/arch.h>
#include <kiln/elf.h>
#include <kiln/kstack.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/pgtable.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/string.h>

STATIC_ASSERT(sizeof(struct process) <= PAGE_SIZE, "a process fits its page");

extern const struct user_program user_programs[];
extern const size_t user_program_count;

static struct process *processes;
static long next_pid = 1;

const struct user_program *user_program_find(const char *name)
{
	for (size_t i = 0; i < user_program_count; i++)
		if (!strcmp(user_programs[i].name, name))
			return &user_programs[i];
	return NULL;
}

struct process *process_current(void)
{
	return thread_current()->process;
}

/*
 * The new process's thread, on its kernel stack (or the start stack of its
 * page: thread_create_user()): become the process, then leave for user
 * mode, interrupts off all the way. Under a policy that keeps no kernel
 * context for user threads, a thread with a process is only ever switched
 * back to return to user mode, where this one has not been yet.
 */
static __noreturn void process_start(void *arg)
{
	struct process *p = arg;

	arch_irq_disable();
	thread_current()->process = p;
	uspace_activate(&p->uspace);
	arch_enter_user(p->entry, USER_STACK_TOP, p->arg);
}

static void process_free(struct process *p)
{
	uspace_destroy(&p->uspace);
	page_free(virt_to_phys(p));
}

/* An address space holding the program and its stack. */
static int load(struct process *p, const struct user_program *prog)
{
	int err = uspace_init(&p->uspace);

	if (err)
		return err;
	err = elf_load(&p->uspace, prog->image, prog->size, &p->entry);
	if (!err)
		err = uspace_map(&p->uspace, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
				 PROT_READ | PROT_WRITE);
	if (err)
		uspace_destroy(&p->uspace);
	return err;
}

long process_spawn(const char *name, unsigned long arg)
{
	return process_spawn_flags(name, arg, 0);
}

long process_spawn_flags(const char *name, unsigned long arg, unsigned int flags)
{
	const struct user_program *prog = user_program_find(name);
	struct process *p;
	paddr_t page;
	bool irqs;
	int err;

	if (!prog)
		return -ENOENT;
	page = page_alloc();
	if (!page)
		return -ENOMEM;
	p = phys_to_virt(page);
	*p = (struct process){.arg = arg, .flags = flags};
	strlcpy(p->name, prog->name, sizeof(p->name));
	err = load(p, prog);
	if (err) {
		page_free(page);
		return err;
	}
	irqs = arch_irq_enabled();
	arch_irq_disable();
	p->pid = next_pid++;
	p->parent = process_current();
	p->next = processes;
	processes = p;
	p->thread = thread_create_user(p->name, process_start, p, THREAD_PRIO_DEFAULT);
	if (!p->thread) {
		processes = p->next;
		process_free(p);
		p = NULL;
	}
	if (irqs)
		arch_irq_enable();
	return p ? p->pid : -ENOMEM;
}

static struct process **find_link(long pid)
{
	struct process **link = &processes;

	while (*link && (*link)->pid != pid)
		link = &(*link)->next;
	return link;
}

/*
 * Wait for p's thread to exit, unlink p and free it; interrupts disabled.
 * The list may change while the join blocks, so p is looked up afterwards.
 */
static long reap(struct process *p)
{
	long status;

	thread_join(p->thread);
	status = p->status;
	*find_link(p->pid) = p->next;
	process_free(p);
	return status;
}

/* Free the exited processes nobody will wait for any more. */
static void reap_orphans(void)
{
	struct process **link = &processes;

	while (*link) {
		struct process *p = *link;
		if (p->orphan && p->thread->state == THREAD_EXITED)
			reap(p);
		else
			link = &p->next;
	}
}

struct process *process_find(long pid)
{
	BUG_ON(arch_irq_enabled());
	return *find_link(pid);
}

long process_wait(long pid, long *status)
{
	struct process *self = process_current(), **link;
	bool irqs = arch_irq_enabled();
	long ret = -ECHILD;

	arch_irq_disable();
	reap_orphans();
	link = find_link(pid);
	if (*link && (*link)->parent == self && !(*link)->orphan) {
		*status = reap(*link);
		ret = pid;
	}
	if (irqs)
		arch_irq_enable();
	return ret;
}

__noreturn void process_exit(long status)
{
	struct process *self = process_current();

	arch_irq_disable();
	self->status = status;
	/* Children lose their parent; the next wait or spawn frees them once they exit. */
	for (struct process *p = processes; p; p = p->next)
		if (p->parent == self) {
			p->parent = NULL;
			p->orphan = true;
		}
	thread_exit(status);
}

long process_thread_memory(const char *name, unsigned long arg, unsigned int *kstacks)
{
	size_t free = page_alloc_free_count(), tables = pgtable_pages();
	unsigned int stacks = kstack_count();
	long pid = process_spawn(name, arg), pages = -EAGAIN, status;
	struct process *p;

	if (pid < 0)
		return pid;
	/* Let it run until it blocks: a switched-out thread, all it then holds. */
	for (int tries = 0; tries < 100 && pages == -EAGAIN; tries++) {
		thread_yield();
		arch_irq_disable();
		p = process_find(pid);
		if (p->thread->state == THREAD_SLEEPING) {
			pages = free - page_alloc_free_count() - (pgtable_pages() - tables) -
				p->uspace.pages - 1;
			*kstacks = kstack_count() - stacks;
		}
		arch_irq_enable();
	}
	if (process_wait(pid, &status) != pid)
		return -ECHILD;
	return pages < 0 ? pages : pages * PAGE_SIZE;
}
