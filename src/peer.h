/*
 * peer.h - the inside of tcpconform-peer, the target-side service program
 * (tcpconform-peer(1)).  It is a program of its own and links nothing of
 * the library; this header is shared by its four files only.
 *
 * Who calls whom (one way, no cycle):
 *
 *	peer.c		main: options, SERVICE[:ARG]=PORT, listeners and the
 *			one ppoll(2) loop that drives every connection
 *	  -> peer-client.c  "connect": one active open to the tester
 *	  -> peer-srv.c	    the services: one handler each, and their table
 *	    -> peer-util.c  messages, usage, the options both modes share,
 *			    deadlines, addresses, numbers
 *
 * Errors are reported here, where they happen, and end the program with
 * one of the EX_ codes below: the peer is a single-purpose daemon whose
 * exit status the lab scripts and the man page's EXIT STATUS name.
 */
#ifndef TC_PEER_H
#define TC_PEER_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <time.h>

#define PROG		"tcpconform-peer"
#define TICK_MS		10		/* EV_TICK interval (SIOCOUTQ polls) */
#define KA_IDLE		5		/* ka: seconds idle before probing */
#define KA_INTVL	2		/* ka: seconds between probes */
#define KA_CNT		3		/* ka: unanswered probes before abort */

/* Exit status, as tcpconform-peer(1) EXIT STATUS names them. */
#define EX_USAGE	1
#define EX_SOCKET	2
#define EX_CONNECT	3		/* connect: the active open failed */
#define EX_RESET	4		/* connect: reset after it was open */

/* What a service handler is called for. */
enum ev {
	EV_START,	/* just accepted: set events (and ticking) */
	EV_IO,		/* ppoll reported revents != 0 */
	EV_TICK		/* ticking, and a wakeup had no revents for it */
};

struct conn;

/*
 * A service: called with EV_START once on accept, then with EV_IO or
 * EV_TICK.  Returns 0 to keep the connection, 1 to close it (c->why says
 * why, for -v); the loop then closes the fd and frees c->buf.
 */
typedef int handler_fn(struct conn *, enum ev);

struct service {
	const char	*name;
	handler_fn	*handler;
	int		 takes_arg;	/* accepts NAME:ARG=PORT */
};

/* ka's keepalive parameters (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT). */
struct kaparm {
	int		 idle, intvl, cnt;
};

/*
 * One accepted connection.  The loop owns the slot and fills fd, svc, ka
 * and name; the handler owns the rest (buf is freed by the loop).
 */
struct conn {
	int			 fd;	/* -1: free slot */
	const struct service	*svc;
	short			 events;	/* what to poll for */
	short			 revents;
	int			 eof;	/* peer sent FIN */
	int			 ticking;	/* wants EV_TICK every TICK_MS */
	const char		*why;	/* close reason, for -v */
	const struct kaparm	*ka;	/* ka: its listener's parameters */
	unsigned long long	 nread;	/* hc: bytes read and dropped */
	char			 name[INET6_ADDRSTRLEN + 16];
	/* echo: ring buffer; daytime: banner offset in off */
	unsigned char		*buf;
	size_t			 off, len;
	struct timespec		 deadline;
};

/* peer-client.c */

/*
 * "tcpconform-peer connect [options] ADDR PORT": argv[0] is "connect".
 * Returns 0 after EOF or --timeout once connected; exits EX_USAGE,
 * EX_SOCKET, EX_CONNECT or EX_RESET (with a message on stderr) otherwise.
 */
int	 peer_client_main(int argc, char *argv[]);

/* peer-srv.c */

/*
 * The service whose name is the len bytes at name (not NUL-terminated:
 * "ka" out of "ka:5,2,3=7").  Returns a pointer into a static table, or
 * NULL when there is no such service.
 */
const struct service *peer_srv_lookup(const char *name, size_t len);

/*
 * Set daytime's banner from arg, with \r \n \t \\ expanded so a CRLF
 * banner fits on a command line; NULL means the default,
 * "tcpconform-peer greet\r\n".  Call once, before any connection; exits
 * EX_SOCKET when out of memory.  peer_srv_free releases it.
 */
void	 peer_srv_banner(const char *arg);
void	 peer_srv_free(void);

/* peer-util.c */

/* -v: log accepts, closes and the client's progress to stderr. */
extern int peer_verbose;

/* "tcpconform-peer: " fmt "\n" on stderr. */
void	 peer_warn(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));

/* The usage text (the man page's SYNOPSIS), then exit(status). */
_Noreturn void peer_usage(int status);

/*
 * The options both modes take, for the default: case of their
 * getopt_long(3) switch: -h (--help) prints the usage and exits 0, -v sets
 * peer_verbose; anything else is a usage error (exit EX_USAGE).
 */
void	 peer_opt_shared(int ch);

/* Set *ts to ms milliseconds from now on CLOCK_MONOTONIC. */
void	 peer_deadline(struct timespec *ts, long ms);

/*
 * "1.2.3.4:80" or "[::1]:80" into dst (always NUL-terminated); "?" when
 * getnameinfo(3) fails.
 */
void	 peer_fmtaddr(const struct sockaddr *sa, socklen_t salen, char *dst,
	    size_t dstlen);

/*
 * A decimal number in lo..hi spanning s..stop (not NUL-terminated) into
 * *v.  Returns 0, or -1 when it is empty, too long, not all digits or out
 * of range.
 */
int	 peer_parse_num(const char *s, const char *stop, long lo, long hi,
	    long *v);

#endif /* TC_PEER_H */
