/* Frame-pointer backtrace (x86_64 and arm64 share the {prev fp, return address} layout). */
#ifndef KILN_BACKTRACE_H
#define KILN_BACKTRACE_H

void backtrace_print(void);

#endif
