/*
 * Processes: spawn an embedded program into a fresh address space, run it
 * on one user thread, collect its exit status. SMP: `lock` guards the list
 * of processes, pids and the parent links; it is never held across a
 * block (thread_join()) or a thread's creation.
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
#include <kiln/spinlock.h>
#include <kiln/string.h>

STATIC_ASSERT(sizeof(struct process) <= PAGE_SIZE, "a process fits its page");

extern const struct user_program user_programs[];
extern const size_t user_program_count;

static struct process *processes;
static long next_pid = 1;
static struct spinlock lock;

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
	struct thread *self = thread_current();

	arch_irq_disable();
	self->process = p;
	/* Only out of memory for the stack's tables: then it ends before it runs. */
	if (mem_domain_add_thread(&p->domain, self, &p->stack))
		process_exit(-ENOMEM);
	arch_enter_user(p->entry, USER_STACK_TOP, p->arg);
}

static void free_partitions(struct process *p)
{
	for (unsigned int i = 0; i < p->nsegs; i++)
		mem_partition_free(&p->segs[i]);
	if (p->stack.pa)
		mem_partition_free(&p->stack);
}

static void process_free(struct process *p)
{
	mem_domain_destroy(&p->domain);
	free_partitions(p);
	page_free(virt_to_phys(p));
}

/* A domain holding the program, the given partitions, and a stack for its thread. */
static int load(struct process *p, const struct user_program *prog,
		const struct mem_partition *const *parts, size_t nparts)
{
	int err = mem_domain_init(&p->domain);

	if (err)
		return err;
	err = elf_load(&p->domain, p->segs, &p->nsegs, prog->image, prog->size, &p->entry);
	for (size_t i = 0; i < nparts && !err; i++)
		err = mem_domain_add_partition(&p->domain, parts[i]);
	if (!err)
		err = mem_partition_alloc(&p->stack, USER_STACK_TOP - USER_STACK_SIZE,
					  USER_STACK_SIZE, PROT_READ | PROT_WRITE);
	if (err) {
		mem_domain_destroy(&p->domain);
		free_partitions(p);
	}
	return err;
}

long process_spawn(const char *name, unsigned long arg)
{
	return process_spawn_flags(name, arg, 0);
}

long process_spawn_flags(const char *name, unsigned long arg, unsigned int flags)
{
	return process_spawn_with(name, arg, flags, NULL, 0);
}

long process_spawn_with(const char *name, unsigned long arg, unsigned int flags,
			const struct mem_partition *const *parts, size_t nparts)
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
	err = load(p, prog, parts, nparts);
	if (err) {
		page_free(page);
		return err;
	}
	irqs = spin_lock_irqsave(&lock);
	p->pid = next_pid++;
	p->parent = process_current();
	spin_unlock_irqrestore(&lock, irqs);
	/* Runnable at once, maybe on another CPU: it needs only p, which is complete. */
	p->thread = thread_create_user(p->name, process_start, p, THREAD_PRIO_DEFAULT);
	if (!p->thread) {
		process_free(p);
		return -ENOMEM;
	}
	irqs = spin_lock_irqsave(&lock);
	p->next = processes;
	processes = p;
	spin_unlock_irqrestore(&lock, irqs);
	return p->pid;
}

/* With the lock held. */
static struct process **find_link(long pid)
{
	struct process **link = &processes;

	while (*link && (*link)->pid != pid)
		link = &(*link)->next;
	return link;
}

/* Wait for p's thread to exit, unlink p and free it; we are its reaper. */
static long reap(struct process *p)
{
	long status;
	bool irqs;

	thread_join(p->thread);
	status = p->status;
	irqs = spin_lock_irqsave(&lock);
	*find_link(p->pid) = p->next;
	spin_unlock_irqrestore(&lock, irqs);
	process_free(p);
	return status;
}

/* An exited orphan, now ours to reap, or NULL. */
static struct process *take_orphan(void)
{
	bool irqs = spin_lock_irqsave(&lock);
	struct process *p = processes;

	while (p && !(p->orphan && !p->reaper &&
		      __atomic_load_n(&p->thread->state, __ATOMIC_ACQUIRE) == THREAD_EXITED))
		p = p->next;
	if (p)
		p->reaper = thread_current();
	spin_unlock_irqrestore(&lock, irqs);
	return p;
}

/* Free the exited processes nobody will wait for any more. */
static void reap_orphans(void)
{
	struct process *p;

	while ((p = take_orphan()))
		reap(p);
}

struct process *process_find(long pid)
{
	struct process *p;

	BUG_ON(arch_irq_enabled());
	spin_lock(&lock);
	p = *find_link(pid);
	spin_unlock(&lock);
	return p;
}

long process_wait(long pid, long *status)
{
	struct process *self = process_current(), *p;
	struct thread *me = thread_current();
	bool irqs;

	reap_orphans();
	irqs = spin_lock_irqsave(&lock);
	p = *find_link(pid);
	/* The reaper may be us already: a wait that blocked restarts from the top. */
	if (p && (p->parent != self || p->orphan || (p->reaper && p->reaper != me)))
		p = NULL;
	if (p)
		p->reaper = me;
	spin_unlock_irqrestore(&lock, irqs);
	if (!p)
		return -ECHILD;
	*status = reap(p);
	return pid;
}

__noreturn void process_exit(long status)
{
	struct process *self = process_current();

	arch_irq_disable();
	self->status = status;
	/* Children lose their parent; the next wait or spawn frees them once they exit. */
	spin_lock(&lock);
	for (struct process *p = processes; p; p = p->next)
		if (p->parent == self) {
			p->parent = NULL;
			p->orphan = true;
		}
	spin_unlock(&lock);
	thread_exit(status);
}

long process_thread_memory(const char *name, unsigned long arg, unsigned int *kstacks)
{
	size_t free = page_alloc_free_count(), tables = pgtable_pages(), user;
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
			user = p->stack.size;
			for (unsigned int i = 0; i < p->nsegs; i++)
				user += p->segs[i].size;
			pages = free - page_alloc_free_count() - (pgtable_pages() - tables) -
				user / PAGE_SIZE - 1;
			*kstacks = kstack_count() - stacks;
		}
		arch_irq_enable();
	}
	if (process_wait(pid, &status) != pid)
		return -ECHILD;
	return pages < 0 ? pages : pages * PAGE_SIZE;
}
