/* Deliberate stack overflow for the tests. */
#ifndef TESTS_STACK_EATER_H
#define TESTS_STACK_EATER_H

/* Recurses, 512 live bytes a frame, until the stack's guard page stops it. */
unsigned long stack_eater(volatile unsigned long depth);

#endif
