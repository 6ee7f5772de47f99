/*
 * agent-sock.h - the sockets of tcpconform-agent (tcpconform-agent(1)) and
 * the verbs that drive them.  Shared by the agent's files only; the agent
 * is a program of its own and links nothing of the library.
 *
 * Who calls whom (one way, no cycle):
 *
 *	agent.c		main: options, the control channel, the one poll(2)
 *			loop, hello, and the table of verbs
 *	  -> agent-io.c	   listen, accept, connect, write, read, shutdown,
 *			   close, abort: the controller's sockets
 *	  -> agent-opt.c   setsockopt, getsockopt, info: the option table
 *	  -> agent-svc.c   serve: the services and their connections
 *	    -> agent-sock.c  the socket table, addresses, helpers
 *	      -> agent-proto.c  parsing requests, formatting answers (pure)
 *
 * Every socket sits in one bounded table (AGENT_MAXSOCK slots) and has a
 * handle "sN"; N counts up and is never reused, so a stale handle is an
 * EBADF, never somebody else's socket.  A slot waits for at most one
 * request (accept, connect or read); a second one is refused with EBUSY.
 */
#ifndef TC_AGENT_SOCK_H
#define TC_AGENT_SOCK_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "agent-proto.h"

#define AGENT_PROG	"tcpconform-agent"
#define AGENT_MAXSOCK	64		/* sockets, every kind together */
#define AGENT_WAITMS	10000		/* accept, read: default timeout */
#define AGENT_MAXMS	600000		/* the longest timeout= */
#define AGENT_TICKMS	10		/* services poll the send queue */

enum agent_kind {
	AGENT_K_FREE,
	AGENT_K_LISTEN,		/* listen */
	AGENT_K_CONN,		/* accept or connect, the controller's */
	AGENT_K_SVCLISTEN,	/* serve: the listener */
	AGENT_K_SVCCONN		/* serve: a connection its service drives */
};

enum agent_wait {
	AGENT_W_NONE,
	AGENT_W_ACCEPT,
	AGENT_W_CONNECT,
	AGENT_W_READ
};

struct agent_service;

struct agent_sock {
	int			 fd;
	enum agent_kind		 kind;
	unsigned		 name;		/* the handle: "s<name>" */
	int			 dead;		/* POLLERR/POLLHUP seen */
	/* The request waiting on this socket, if any. */
	enum agent_wait		 wait;
	char			 wid[AGENT_IDLEN + 1];
	uint64_t		 deadline;	/* ms (agent_now); 0: none */
	size_t			 want;		/* read: at most this much */
	/* serve: the service, and the request its events carry. */
	const struct agent_service *svc;
	char			 sid[AGENT_IDLEN + 1];
	unsigned char		*buf;	/* echo's backlog; daytime's banner */
	size_t			 off, len;
	int			 eof;	/* the peer's FIN was read */
	short			 events;	/* what the service polls for */
	uint64_t		 svcdeadline;	/* ms; 0: none */
	int			 ticking;	/* wake every AGENT_TICKMS */
};

struct agent_ctx {
	struct agent_sock	 sock[AGENT_MAXSOCK];
	unsigned		 lastname;
	struct agent_outq	 out;
	int			 quit;
};

/* agent-sock.c */

/* Empty table, empty queue. */
void	 agent_sock_init(struct agent_ctx *ctx);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t agent_now(void);

/* Queue an answer line (agent_outq_put on ctx->out). */
void	 agent_send(struct agent_ctx *ctx, struct agent_ans *a);

/* Queue "ID err ERRNAME "MESSAGE"". */
void	 agent_senderr(struct agent_ctx *ctx, const char *id, int errnum,
	    const char *fmt, ...) __attribute__((__format__(__printf__, 4, 5)));

/*
 * The socket whose handle is r->pos[0].  Returns it, or NULL after
 * answering r with err EBADF (no such handle) or EBUSY (its service's,
 * when svcok is 0).
 */
struct agent_sock *agent_sock_find(struct agent_ctx *ctx,
	    const struct agent_req *r, int svcok);

/*
 * A free slot for fd, with a new handle.  Returns NULL when all
 * AGENT_MAXSOCK are taken (fd is then the caller's to close).
 */
struct agent_sock *agent_sock_new(struct agent_ctx *ctx, int fd,
	    enum agent_kind kind);

/* agent_sock_new for request r: NULL after answering it EMFILE. */
struct agent_sock *agent_sock_slot(struct agent_ctx *ctx,
	    const struct agent_req *r, enum agent_kind kind);

/*
 * A slot of kind with a listener on ss (agent_sock_listenfd).  Returns it,
 * or NULL after answering r EMFILE or listen's error.
 */
struct agent_sock *agent_sock_listener(struct agent_ctx *ctx,
	    const struct agent_req *r, enum agent_kind kind,
	    const struct sockaddr_storage *ss, socklen_t len, int backlog,
	    int reuse);

/*
 * Close s and free its slot.  A request waiting on it is answered err
 * ECANCELED; a service's connection gets its "close" event with why.
 */
void	 agent_sock_free(struct agent_ctx *ctx, struct agent_sock *s,
	    const char *why);

/* Free every slot (at the end): nothing is answered. */
void	 agent_sock_closeall(struct agent_ctx *ctx);

/*
 * A numeric address (IPv4 or IPv6, no name lookup) and port into *ss.
 * Returns 0, or an errno value (EINVAL, EAFNOSUPPORT).
 */
int	 agent_sock_addr(const char *host, long port,
	    struct sockaddr_storage *ss, socklen_t *len);

/* "127.0.0.1:80" or "[::1]:80" into dst; "?" when it cannot. */
void	 agent_sock_fmtaddr(const struct sockaddr *sa, socklen_t len,
	    char *dst, size_t dstlen);

/*
 * A non-blocking, close-on-exec TCP listener on ss.  Returns the fd, or -1
 * with errno set.
 */
int	 agent_sock_listenfd(const struct sockaddr_storage *ss, socklen_t len,
	    int backlog, int reuse);

/*
 * Accept one connection from listener fd, non-blocking and close-on-exec;
 * its peer's address into peer (AGENT_ADDRLEN).  Returns the fd, or -1.
 */
#define AGENT_ADDRLEN	64
int	 agent_sock_acceptfd(int fd, char *peer);

/* A non-blocking close-on-exec TCP socket of family af, or -1. */
int	 agent_sock_tcp(int af);

/* Append " local=ADDR:PORT" (getsockname) or " peer=..." (getpeername). */
void	 agent_sock_name(struct agent_ans *a, int fd, int peer);

/* Queue "ID err ERRNAME "CALL: TEXT" ret=-1" for a failed system call. */
void	 agent_syserr(struct agent_ctx *ctx, const char *id, int errnum,
	    const char *call);

/*
 * The value of r's KEY= as a number in lo..hi into *v, or def when it is
 * not given.  Returns 0, or -1 after answering err EINVAL.
 */
int	 agent_keynum(struct agent_ctx *ctx, const struct agent_req *r,
	    const char *key, long lo, long hi, long def, long *v);

/* r's positional argument i as a number in lo..hi: the same. */
int	 agent_posnum(struct agent_ctx *ctx, const struct agent_req *r, int i,
	    long lo, long hi, long *v);

/* agent-io.c */

/* The verbs, each answering r on ctx->out (now or when it completes). */
void	 agent_io_listen(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_accept(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_connect(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_write(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_read(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_shutdown(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_close(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_io_abort(struct agent_ctx *ctx, const struct agent_req *r);

/* What to poll a controller's socket for (0: nothing waits on it). */
short	 agent_io_events(const struct agent_sock *s);

/* poll(2) said revents for a controller's socket: finish its wait. */
void	 agent_io_ready(struct agent_ctx *ctx, struct agent_sock *s,
	    short revents);

/* Answer err ETIMEDOUT to the waits whose deadline is past now. */
void	 agent_io_expire(struct agent_ctx *ctx, uint64_t now);

/* agent-svc.c */

/* Append " services=echo,discard,..." for hello. */
void	 agent_svc_caps(struct agent_ans *a);

/* serve NAME PORT [addr=] [backlog=] [banner=]. */
void	 agent_svc_serve(struct agent_ctx *ctx, const struct agent_req *r);

/* What to poll a service's socket for. */
short	 agent_svc_events(const struct agent_sock *s);

/* poll(2) said revents (0: a tick or a deadline) for a service socket. */
void	 agent_svc_io(struct agent_ctx *ctx, struct agent_sock *s,
	    short revents);

/* agent-opt.c */

/* Append " opts=... absent=... info=..." for hello. */
void	 agent_opt_caps(struct agent_ans *a);

void	 agent_opt_set(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_opt_get(struct agent_ctx *ctx, const struct agent_req *r);
void	 agent_opt_info(struct agent_ctx *ctx, const struct agent_req *r);

#endif /* TC_AGENT_SOCK_H */
