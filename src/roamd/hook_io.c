/* Unix socket I/O for the qemu hook (see hook_io.h). */
#include "hook_io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"

static int address(const char *path, struct sockaddr_un *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (!path[0] || strlen(path) >= sizeof a->sun_path)
        return roam_errf(err, errlen, "socket path '%s' is empty or longer than %zu bytes", path,
                         sizeof a->sun_path - 1);
    strcpy(a->sun_path, path);
    return 0;
}

int roamd_hook_listen(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un a;
    struct stat st;
    if (address(path, &a, err, errlen) < 0)
        return -1;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return roam_errf(err, errlen, "%s exists and is not a socket", path);
        /* A socket someone still answers on is not stale. */
        int probe = roamd_hook_connect(path, roam_deadline(200), NULL, 0);
        if (probe >= 0) {
            close(probe);
            return roam_errf(err, errlen, "%s is in use (another roamd?)", path);
        }
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "socket: %s", strerror(errno));
    /* Created 0600 from the start: no window where others may connect. */
    mode_t old = umask(0177);
    int b = bind(fd, (struct sockaddr *)&a, sizeof a);
    int e = errno;
    umask(old);
    if (b < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
        if (b == 0)
            e = errno;
        close(fd);
        return roam_errf(err, errlen, "%s: %s", path, strerror(e));
    }
    return fd;
}

int roamd_hook_connect(const char *path, int64_t deadline, char *err, size_t errlen)
{
    struct sockaddr_un a;
    if (address(path, &a, err, errlen) < 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        int e = errno;
        int ok = 0;
        if (e == EAGAIN || e == EINPROGRESS) {
            socklen_t sl = sizeof e;
            ok = roam_wait_fd(fd, 1, deadline) == 1 &&
                 getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == 0 && e == 0;
            if (!ok && e == EAGAIN)
                e = ETIMEDOUT;
        }
        if (!ok) {
            close(fd);
            return roam_errf(err, errlen, "cannot connect to %s: %s", path, strerror(e));
        }
    }
    return fd;
}

long roamd_hook_read_msg(int fd, uint8_t *buf, size_t cap, int64_t deadline, char *err,
                         size_t errlen)
{
    size_t len = 0;
    for (;;) {
        int w = roam_wait_fd(fd, 0, deadline);
        if (w == 0)
            return roam_errf(err, errlen, "timed out reading");
        if (w < 0)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        uint8_t extra;
        ssize_t n = len < cap ? read(fd, buf + len, cap - len) : read(fd, &extra, 1);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            return roam_errf(err, errlen, "read: %s", strerror(errno));
        if (n == 0)
            return (long)len;
        if (len == cap)
            return roam_errf(err, errlen, "message longer than %zu bytes", cap);
        len += (size_t)n;
    }
}

int roamd_hook_write_msg(int fd, const uint8_t *buf, size_t len, int64_t deadline, char *err,
                         size_t errlen)
{
    size_t off = 0;
    while (off < len) {
        int w = roam_wait_fd(fd, 1, deadline);
        if (w == 0)
            return roam_errf(err, errlen, "timed out writing");
        if (w < 0)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            return roam_errf(err, errlen, "write: %s", strerror(errno));
        off += (size_t)n;
    }
    if (shutdown(fd, SHUT_WR) < 0)
        return roam_errf(err, errlen, "shutdown: %s", strerror(errno));
    return 0;
}
