/* Exact-length reads/writes over roam_stream, and the plain socket stream. */
#include "stream.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "deadline.h"
#include "errbuf.h"

int roam_stream_read_full(const roam_stream *s, void *buf, size_t len,
                          size_t *got, int64_t deadline, char *err, size_t errlen)
{
    size_t off = 0;
    *got = 0;
    while (off < len) {
        ssize_t n = s->read(s->ctx, (uint8_t *)buf + off, len - off, deadline, err, errlen);
        if (n == ROAM_IO_EOF) {
            if (off == 0)
                return ROAM_IO_EOF;
            roam_errf(err, errlen, "stream truncated: end of stream after %zu of %zu bytes",
                      off, len);
            return ROAM_IO_ERROR;
        }
        if (n < 0)
            return (int)n;
        off += (size_t)n;
        *got = off;
    }
    return 0;
}

int roam_stream_write_full(const roam_stream *s, const void *buf, size_t len,
                           int64_t deadline, char *err, size_t errlen)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = s->write(s->ctx, (const uint8_t *)buf + off, len - off, deadline, err, errlen);
        if (n < 0)
            return (int)n;
        if (n == 0)   /* a write callback must move bytes or fail */
            return roam_errf(err, errlen, "stream write made no progress");
        off += (size_t)n;
    }
    return 0;
}

static int sock_fd(void *ctx)
{
    return (int)(intptr_t)ctx;
}

static ssize_t sock_read(void *ctx, void *buf, size_t len, int64_t deadline,
                         char *err, size_t errlen)
{
    int fd = sock_fd(ctx);
    for (;;) {
        ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            roam_errf(err, errlen, "socket read: %s", strerror(errno));
            return ROAM_IO_ERROR;
        }
        int w = roam_wait_fd(fd, 0, deadline);
        if (w == 0)
            return ROAM_IO_TIMEOUT;
        if (w < 0) {
            roam_errf(err, errlen, "socket poll: %s", strerror(errno));
            return ROAM_IO_ERROR;
        }
    }
}

static ssize_t sock_write(void *ctx, const void *buf, size_t len, int64_t deadline,
                          char *err, size_t errlen)
{
    int fd = sock_fd(ctx);
    for (;;) {
        ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            roam_errf(err, errlen, "socket write: %s", strerror(errno));
            return ROAM_IO_ERROR;
        }
        int w = roam_wait_fd(fd, 1, deadline);
        if (w == 0)
            return ROAM_IO_TIMEOUT;
        if (w < 0) {
            roam_errf(err, errlen, "socket poll: %s", strerror(errno));
            return ROAM_IO_ERROR;
        }
    }
}

roam_stream roam_stream_socket(int fd)
{
    roam_stream s = {
        .ctx = (void *)(intptr_t)fd,
        .read = sock_read,
        .write = sock_write,
    };
    return s;
}
