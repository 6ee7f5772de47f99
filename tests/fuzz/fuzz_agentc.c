/*
 * fuzz_agentc.c - libFuzzer harness for the tester's end of the agent's
 * control channel (agentc.c): any bytes as what an agent sends, through a
 * socketpair, read as the run reads them, with requests t1..t4 open (t1
 * as hello, kept for agc_offers; t3 a service's, kept after its answer).
 * Nothing may crash, hang or leak; every answer handed over is well
 * formed; a channel that fails answers every request still open.
 */
#include "../../src/agentc.c"

#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned fz_answers;

/* What agentc.h promises of every string it hands over. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void
fz_check(void *arg, uint64_t id, const struct agc_ans *a)
{
	int i;

	(void)arg;
	if (id < 1 || id > 4 || a->what == NULL || a->msg == NULL ||
	    a->nkv < 0 || a->nkv > AGC_MAXKV || !printable(a->what) ||
	    !printable(a->msg))
		abort();
	for (i = 0; i < a->nkv; i++)
		if (a->key[i] == NULL || a->val[i] == NULL ||
		    a->key[i][0] == '\0' || !printable(a->key[i]) ||
		    !printable(a->val[i]) || strlen(a->val[i]) != a->vlen[i])
			abort();
	(void)agc_val(a, "ret", NULL);
	fz_answers++;
}

static void
fz_hello(void *arg, uint64_t id, const struct agc_ans *a)
{
	fz_check(arg, id, a);
	if (((struct agc *)arg)->hello_store == NULL)
		hello_cb(arg, id, a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agc *c;
	int sv[2];
	size_t off = 0;
	ssize_t w;

	if (size > 65536)	/* what one socketpair buffer surely takes */
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		abort();
	c = agc_alloc(sv[0]);
	c->next_id = 4;
	c->pend = xreallocarray(NULL, 4, sizeof(*c->pend));
	c->pend[0] = (struct pend){ 1, fz_hello, c, false };
	c->pend[1] = (struct pend){ 2, fz_check, c, false };
	c->pend[2] = (struct pend){ 3, fz_check, c, true };
	c->pend[3] = (struct pend){ 4, fz_check, c, false };
	c->npend = 4;
	while (off < size) {
		if ((w = write(sv[1], data + off, size - off)) <= 0)
			abort();
		off += (size_t)w;
	}
	close(sv[1]);
	fz_answers = 0;
	while (agc_dead(c) == NULL)
		chan_read(c);
	/* The channel ended (end of file at the latest): nothing is left
	 * waiting for an answer that cannot come. */
	if (c->npend != 0)
		abort();
	(void)agc_offers(c, "services", "echo");
	(void)agc_hello(c, "proto");
	agc_free(c);
	return 0;
}
