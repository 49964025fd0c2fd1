/* Deadlines on the monotonic clock.  Every blocking step in roam's I/O takes a
 * timeout in milliseconds for the whole operation; multi-step operations turn
 * it into a deadline once and hand each step what is left. */
#ifndef ROAM_COMMON_DEADLINE_H
#define ROAM_COMMON_DEADLINE_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t roam_now_ms(void);

/* Absolute deadline timeout_ms from now; a negative timeout means "never". */
int64_t roam_deadline(int timeout_ms);

/* Milliseconds left until deadline (0 when past), or -1 for "never"; suited
 * to poll(2)'s timeout argument. */
int roam_remaining_ms(int64_t deadline);

/* Wait until fd is readable (want_write=0) or writable (want_write=1) or the
 * deadline passes.  Returns 1 ready, 0 timed out, -1 error (errno set).
 * POLLHUP/POLLERR count as ready: the following read/write reports them. */
int roam_wait_fd(int fd, int want_write, int64_t deadline);

#endif
