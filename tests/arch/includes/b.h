#ifndef B_H
#define B_H
#include "a.h"
int	b_twice(void);
int	b_extra(int);
#endif
