/* An abstract byte stream with deadlines: what frames travel on.  A TLS
 * connection (tls.h) and a plain socket (below; tests, local sockets) both
 * provide one, so framing code never knows which it runs on. */
#ifndef ROAM_PROTO_STREAM_H
#define ROAM_PROTO_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Return values of the stream callbacks besides a positive byte count. */
enum {
    ROAM_IO_EOF = 0,       /* orderly end of stream (read only) */
    ROAM_IO_ERROR = -1,    /* err filled */
    ROAM_IO_TIMEOUT = -2,  /* deadline passed before any byte moved */
};

typedef struct roam_stream {
    void *ctx;
    /* Read 1..len bytes, waiting no later than deadline (deadline.h). */
    ssize_t (*read)(void *ctx, void *buf, size_t len, int64_t deadline,
                    char *err, size_t errlen);
    /* Write 1..len bytes, waiting no later than deadline. */
    ssize_t (*write)(void *ctx, const void *buf, size_t len, int64_t deadline,
                     char *err, size_t errlen);
} roam_stream;

/* Read exactly len bytes.  Returns 0 on success, or ROAM_IO_EOF (0 bytes
 * read before end of stream: a clean close), ROAM_IO_TIMEOUT, or
 * ROAM_IO_ERROR (including end of stream part-way, "truncated").  Because
 * ROAM_IO_EOF is also 0, *got tells the two apart: *got == len on success. */
int roam_stream_read_full(const roam_stream *s, void *buf, size_t len,
                          size_t *got, int64_t deadline, char *err, size_t errlen);

/* Write exactly len bytes.  Returns 0, ROAM_IO_TIMEOUT or ROAM_IO_ERROR. */
int roam_stream_write_full(const roam_stream *s, const void *buf, size_t len,
                           int64_t deadline, char *err, size_t errlen);

/* A stream over a connected socket (socketpair, TCP, Unix).  The caller keeps
 * owning fd.  Uses poll + MSG_DONTWAIT, so the fd may be blocking or not, and
 * MSG_NOSIGNAL, so a closed peer gives an error rather than SIGPIPE. */
roam_stream roam_stream_socket(int fd);

#endif
