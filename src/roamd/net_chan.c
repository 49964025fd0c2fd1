/* Messages with descriptors over the monitor <-> network socketpair
 * (net_chan.h). */
#define _GNU_SOURCE
#include "net_chan.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"

int roamd_net_send_bytes(int sock, const uint8_t *p, size_t n, int fd)
{
    struct iovec iov = { (void *)p, n };
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd >= 0) {
        memset(&ctl, 0, sizeof ctl);
        mh.msg_control = ctl.space;
        mh.msg_controllen = sizeof ctl.space;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    ssize_t w;
    do
        w = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)n ? 0 : -1;
}

int roamd_net_send(int sock, const struct roamd_net_msg *m, int fd)
{
    uint8_t buf[ROAMD_NET_MSG_MAX];
    int n = roamd_net_encode(m, buf, sizeof buf);
    if (n < 0 || (fd >= 0) != (roamd_net_wants_fd(m) != 0)) {
        errno = EINVAL;
        return -1;
    }
    return roamd_net_send_bytes(sock, buf, (size_t)n, fd);
}

/* Every descriptor in mh's control data: the first in *fd, the others
 * closed; how many came. */
static int take_fds(struct msghdr *mh, int *fd)
{
    int count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
            int f;
            memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof f);
            if (count++ == 0)
                *fd = f;
            else
                close(f);
        }
    }
    return count;
}

int roamd_net_recv(int sock, uint8_t *buf, struct roamd_net_msg *m, int *fd, char *err,
                   size_t errlen)
{
    *fd = -1;
    struct iovec iov = { buf, ROAMD_NET_MSG_MAX };
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(4 * sizeof(int))];
    } ctl;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
                         .msg_controllen = sizeof ctl.space };
    ssize_t n;
    do
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0;
    if (n < 0)
        return roam_errf(err, errlen, "receiving: %s", strerror(errno));
    int fds = take_fds(&mh, fd);
    const char *bad = NULL;
    char why[ROAM_ERR_MAX];
    if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
        bad = "a message or its descriptors cut short";
    else if (roamd_net_decode(buf, (size_t)n, m, why, sizeof why) < 0)
        bad = why;
    else if (fds != (roamd_net_wants_fd(m) ? 1 : 0))
        bad = fds ? "descriptors where none belong" : "the descriptor is missing";
    if (bad) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return roam_errf(err, errlen, "%s", bad);
    }
    return 1;
}
