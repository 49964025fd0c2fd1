/* The local unix socket between the qemu hook and roamd: listening (mode
 * 0600), connecting, and reading or writing one whole message within a
 * deadline.  A message ends where the writer shuts its side down. */
#ifndef ROAMD_HOOK_IO_H
#define ROAMD_HOOK_IO_H

#include <stddef.h>
#include <stdint.h>

/* Listen on path (a stale socket there is replaced; anything else that is
 * not a socket is left alone and refused).  The fd, or -1 with err. */
int roamd_hook_listen(const char *path, char *err, size_t errlen);

/* Connect to path by deadline (roam_deadline).  The fd, or -1 with err. */
int roamd_hook_connect(const char *path, int64_t deadline, char *err, size_t errlen);

/* Read until the peer's end of message, at most cap bytes (more is an
 * error).  Bytes read, or -1 with err. */
long roamd_hook_read_msg(int fd, uint8_t *buf, size_t cap, int64_t deadline, char *err,
                         size_t errlen);

/* Write len bytes and end the message.  0, or -1 with err. */
int roamd_hook_write_msg(int fd, const uint8_t *buf, size_t len, int64_t deadline, char *err,
                         size_t errlen);

#endif
