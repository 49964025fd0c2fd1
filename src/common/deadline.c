/* Monotonic deadlines and poll-based waiting (see deadline.h). */
#include "deadline.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <time.h>

#define NEVER INT64_MAX

int64_t roam_now_ms(void)
{
    struct timespec ts;
    /* CLOCK_MONOTONIC cannot fail with a valid clock id and pointer. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t roam_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? NEVER : roam_now_ms() + timeout_ms;
}

int roam_remaining_ms(int64_t deadline)
{
    if (deadline == NEVER)
        return -1;
    int64_t left = deadline - roam_now_ms();
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int roam_wait_fd(int fd, int want_write, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = want_write ? POLLOUT : POLLIN };
        int left = roam_remaining_ms(deadline);
        int r = poll(&p, 1, left);
        if (r > 0)
            return 1;
        if (r == 0) {
            /* poll may wake a little early; only a passed deadline counts. */
            if (roam_remaining_ms(deadline) == 0)
                return 0;
            continue;
        }
        if (errno != EINTR)
            return -1;
    }
}
