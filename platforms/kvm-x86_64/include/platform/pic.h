/* Legacy 8259 interrupt controllers. */
#ifndef PLATFORM_PIC_H
#define PLATFORM_PIC_H

/* Remap above the exception vectors and mask every line. */
void platform_pic_disable(void);

#endif
