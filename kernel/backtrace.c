/* Walk the frame-pointer chain; the kernel is built with -fno-omit-frame-pointer. */
#include <kiln/backtrace.h>
#include <kiln/printk.h>
#include <kiln/types.h>

#define MAX_FRAMES 16
/* A frame further than this from the previous one means the chain is broken. */
#define MAX_FRAME_GAP (64 * 1024)

extern char _text_start[], _text_end[];

struct frame {
	struct frame *prev;
	uintptr_t ret;
};

static bool in_text(uintptr_t pc)
{
	return pc >= (uintptr_t)_text_start && pc < (uintptr_t)_text_end;
}

void backtrace_print_from(uintptr_t pc, uintptr_t frame)
{
	const struct frame *fp = (const struct frame *)frame;

	printk("Backtrace:\n");
	if (pc)
		printk("  [pc] %p\n", (void *)pc);
	/* Kernel stacks live in the upper half on both arches: anything else ends the walk. */
	if (frame & 7 || (intptr_t)frame >= 0)
		return;
	for (int i = 0; i < MAX_FRAMES && fp; i++) {
		uintptr_t ret = fp->ret;
		if (!in_text(ret))
			break;
		printk("  [%2d] %p\n", i, (void *)ret);
		if ((uintptr_t)fp->prev & 7 || fp->prev <= fp ||
		    (uintptr_t)fp->prev - (uintptr_t)fp > MAX_FRAME_GAP)
			break;
		fp = fp->prev;
	}
}

void backtrace_print(void)
{
	backtrace_print_from(0, (uintptr_t)__builtin_frame_address(0));
}
