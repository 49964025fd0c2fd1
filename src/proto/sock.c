/* TCP connect/listen/accept with deadlines (see sock.h). */
#define _GNU_SOURCE
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"

static int set_nodelay(int fd)
{
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* One non-blocking connect attempt, bounded by deadline.  0 or -1 (err). */
static int connect_one(int fd, const struct addrinfo *ai, int64_t deadline,
                       char *err, size_t errlen)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return roam_errf(err, errlen, "fcntl: %s", strerror(errno));
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS && errno != EINTR)
            return roam_errf(err, errlen, "%s", strerror(errno));
        int w = roam_wait_fd(fd, 1, deadline);
        if (w == 0)
            return roam_errf(err, errlen, "timed out");
        if (w < 0)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            return roam_errf(err, errlen, "getsockopt: %s", strerror(errno));
        if (soerr != 0)
            return roam_errf(err, errlen, "%s", strerror(soerr));
    }
    if (fcntl(fd, F_SETFL, fl) < 0)
        return roam_errf(err, errlen, "fcntl: %s", strerror(errno));
    return 0;
}

static int tcp_connect(const char *host, const char *port, int timeout_ms, int fastopen,
                       char *err, size_t errlen);

int roam_tcp_connect(const char *host, const char *port, int timeout_ms,
                     char *err, size_t errlen)
{
    return tcp_connect(host, port, timeout_ms, 0, err, errlen);
}

int roam_tcp_connect_fastopen(const char *host, const char *port, int timeout_ms,
                              char *err, size_t errlen)
{
    return tcp_connect(host, port, timeout_ms, 1, err, errlen);
}

void roam_tcp_listen_fastopen(int fd)
{
    int qlen = 64;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof qlen);
}

static int tcp_connect(const char *host, const char *port, int timeout_ms, int fastopen,
                       char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
    struct addrinfo *res;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0)
        return roam_errf(err, errlen, "cannot resolve %s port %s: %s", host, port,
                         gai_strerror(gai));
    char why[ROAM_ERR_MAX] = "no addresses";
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            roam_errf(why, sizeof why, "socket: %s", strerror(errno));
            continue;
        }
        /* Without the kernel's support or a cookie for this server it is a
         * plain connect: the option is a wish, never an error. */
        int one = 1;
        if (fastopen)
            (void)setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof one);
        if (connect_one(fd, ai, deadline, why, sizeof why) == 0 && set_nodelay(fd) == 0)
            break;
        close(fd);
        fd = -1;
        if (roam_remaining_ms(deadline) == 0)
            break;
    }
    freeaddrinfo(res);
    if (fd < 0)
        roam_errf(err, errlen, "cannot connect to %s port %s: %s", host, port, why);
    return fd;
}

int roam_tcp_listen(const char *host, const char *port, int backlog,
                    char *err, size_t errlen)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0)
        return roam_errf(err, errlen, "cannot resolve listen address %s port %s: %s",
                         host ? host : "*", port, gai_strerror(gai));
    /* With no host, prefer the IPv6 wildcard, which also takes IPv4. */
    struct addrinfo *pick = res;
    for (struct addrinfo *ai = res; !host && ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET6) {
            pick = ai;
            break;
        }
    int fd = socket(pick->ai_family, pick->ai_socktype | SOCK_CLOEXEC, pick->ai_protocol);
    int one = 1, zero = 0;
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (pick->ai_family == AF_INET6 && !host &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0) ||
        bind(fd, pick->ai_addr, pick->ai_addrlen) < 0 ||
        listen(fd, backlog) < 0) {
        roam_errf(err, errlen, "cannot listen on %s port %s: %s", host ? host : "*", port,
                  strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int roam_sock_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

int roam_tcp_accept(int listen_fd, int timeout_ms, char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    for (;;) {
        int w = roam_wait_fd(listen_fd, 0, deadline);
        if (w == 0)
            return roam_errf(err, errlen, "timed out waiting for a connection");
        if (w < 0)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        /* Non-blocking accept: the client may have gone between poll and here. */
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            int fl = fcntl(fd, F_GETFL);
            if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 || set_nodelay(fd) < 0) {
                roam_errf(err, errlen, "cannot set up accepted socket: %s", strerror(errno));
                close(fd);
                return -1;
            }
            return fd;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
            errno != ECONNABORTED)
            return roam_errf(err, errlen, "accept: %s", strerror(errno));
    }
}
