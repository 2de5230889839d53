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

void backtrace_print(void)
{
	const struct frame *fp = __builtin_frame_address(0);

	printk("Backtrace:\n");
	for (int i = 0; i < MAX_FRAMES && fp; i++) {
		uintptr_t ret = fp->ret;
		if (ret < (uintptr_t)_text_start || ret >= (uintptr_t)_text_end)
			break;
		printk("  [%2d] %p\n", i, (void *)ret);
		if ((uintptr_t)fp->prev & 7 || fp->prev <= fp ||
		    (uintptr_t)fp->prev - (uintptr_t)fp > MAX_FRAME_GAP)
			break;
		fp = fp->prev;
	}
}
