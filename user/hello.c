/* The smallest process: says who it is and exits with its argument. */
#include <kiln/user.h>

int main(unsigned long arg)
{
	printf("hello from pid %ld, arg %lu\n", sys_getpid(), arg);
	return (int)arg;
}
