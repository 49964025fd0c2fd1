/* The qemu hook's client side (see hook_client.h). */
#include "hook_client.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "hook_io.h"
#include "hook_msg.h"

int roamd_hook_is_incoming(const char *op, const char *subop)
{
    return op && subop && strcmp(op, "migrate") == 0 && strcmp(subop, "begin") == 0;
}

/* All of in_fd (EOF ends it), at most cap bytes.  Length, or -1 with why. */
static long read_input(int in_fd, char *buf, size_t cap, int64_t deadline, char *why,
                       size_t whylen)
{
    size_t len = 0;
    for (;;) {
        int w = roam_wait_fd(in_fd, 0, deadline);
        if (w <= 0)
            return roam_errf(why, whylen, "roam-hook: %s reading the domain XML",
                             w == 0 ? "timed out" : strerror(errno));
        char extra;
        ssize_t n = len < cap ? read(in_fd, buf + len, cap - len) : read(in_fd, &extra, 1);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return roam_errf(why, whylen, "roam-hook: reading the domain XML: %s",
                             strerror(errno));
        if (n == 0)
            return (long)len;
        if (len == cap)
            return roam_errf(why, whylen, "domain XML larger than %zu bytes refused", cap);
        len += (size_t)n;
    }
}

int roamd_hook_ask(const char *socket_path, const char *name, int in_fd, int timeout_ms,
                   char *why, size_t whylen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    char err[ROAM_ERR_MAX];
    char *xml = malloc(ROAMD_HOOK_XML_MAX);
    uint8_t *req = malloc(ROAMD_HOOK_REQ_MAX);
    int fd = -1, r = -1;
    long xl, ql;
    if (!xml || !req) {
        roam_errf(why, whylen, "roam-hook: out of memory");
        goto out;
    }
    if ((xl = read_input(in_fd, xml, ROAMD_HOOK_XML_MAX, deadline, why, whylen)) < 0)
        goto out;
    ql = roamd_hook_req_encode(name, xml, (size_t)xl, req, ROAMD_HOOK_REQ_MAX);
    if (ql < 0) {
        roam_errf(why, whylen, "roam-hook: VM name or domain XML empty or too long");
        goto out;
    }
    fd = roamd_hook_connect(socket_path, deadline, err, sizeof err);
    if (fd < 0 || roamd_hook_write_msg(fd, req, (size_t)ql, deadline, err, sizeof err) < 0) {
        roam_errf(why, whylen, "roamd on this host cannot be asked (%s): incoming migration "
                  "refused", err);
        goto out;
    }
    uint8_t ans[ROAMD_HOOK_ANS_MAX];
    struct roamd_hook_ans a;
    long al = roamd_hook_read_msg(fd, ans, sizeof ans, deadline, err, sizeof err);
    if (al < 0 || roamd_hook_ans_decode(ans, (size_t)al, &a, err, sizeof err) < 0)
        roam_errf(why, whylen, "roamd on this host did not answer (%s): incoming migration "
                  "refused", err);
    else if (!a.allow)
        roam_errf(why, whylen, "%s", a.reason);
    else
        r = 0;
out:
    if (fd >= 0)
        close(fd);
    free(xml);
    free(req);
    return r;
}
