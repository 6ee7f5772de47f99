#ifndef A_H
#define A_H
int	a_get(void);
void	a_set(int);
int	a_sum(const int *, int);
#endif
