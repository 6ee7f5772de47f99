/* A new file with no line in the prefix table. */
int	c_one(void);

int
c_one(void)
{
	return 1;
}
