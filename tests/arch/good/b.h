#ifndef B_H
#define B_H
int	b_twice(void);
int	b_extra(int);
#endif
