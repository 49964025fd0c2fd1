/* The store backend of roam-ims's network process: requests to the store
 * process (ims_store_remote.h). */
#include "ims_store_remote.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"
#include "ims_sep_msg.h"
#include "log.h"

typedef struct remote {
    int req, feed;
    int has_feed;      /* the store process said it has a change feed */
} remote;

void *ims_remote_open(int req, int feed, char *err, size_t errlen)
{
    remote *r = malloc(sizeof *r);
    if (!r) {
        close(req);
        close(feed);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    r->req = req;
    r->feed = feed;
    r->has_feed = 0;
    return r;
}

static void rm_close(void *be)
{
    remote *r = be;
    if (!r)
        return;
    close(r->req);
    if (r->feed >= 0)
        close(r->feed);
    free(r);
}

/* One request and its reply, which must be of type want. */
static int call(remote *r, const ims_sep_msg *q, int want, ims_sep_msg *a, char *err,
                size_t errlen)
{
    uint8_t buf[IMS_SEP_MSG_MAX + 1];
    int n = ims_sep_encode(q, buf, sizeof buf);
    if (n < 0)
        return roam_errf(err, errlen, "store request out of range");
    ssize_t w;
    do
        w = send(r->req, buf, (size_t)n, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w != n)
        return roam_errf(err, errlen, "store process: %s",
                         w < 0 ? strerror(errno) : "short send");
    ssize_t got;
    do
        got = recv(r->req, buf, sizeof buf, 0);
    while (got < 0 && errno == EINTR);
    if (got <= 0)
        return roam_errf(err, errlen, "store process: %s",
                         got < 0 ? strerror(errno) : "gone");
    char why[ROAM_ERR_MAX];
    if (ims_sep_decode(buf, (size_t)got, 0, a, why, sizeof why) < 0)
        return roam_errf(err, errlen, "store process's reply refused: %s", why);
    if (a->type != want)
        return roam_errf(err, errlen, "store process answered 0x%02x to 0x%02x", a->type,
                         q->type);
    return 0;
}

static int rm_get(void *be, const uint8_t hoa[IMS_ADDR_LEN], ims_mapping *m,
                  uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    static ims_sep_msg q, a;   /* large; the network process's one thread asks */
    memset(&q, 0, sizeof q);
    q.type = IMS_SEP_GET;
    memcpy(q.hoa, hoa, IMS_ADDR_LEN);
    if (call(be, &q, IMS_SEP_GOT, &a, err, errlen) < 0)
        return -1;
    if (a.rc < 0)
        return roam_errf(err, errlen, "%s", a.err);
    if (a.rc == 1) {
        if (memcmp(a.m.hoa, hoa, IMS_ADDR_LEN) != 0)
            return roam_errf(err, errlen, "store process answered for another address");
        *m = a.m;
        if (pub)
            memcpy(pub, a.pub, IMS_PUBKEY_LEN);
    }
    return a.rc;
}

static int rm_update(void *be, ims_mapping *m, uint64_t *current, char *err, size_t errlen)
{
    static ims_sep_msg q, a;
    memset(&q, 0, sizeof q);
    q.type = IMS_SEP_UPDATE;
    q.m = *m;
    if (call(be, &q, IMS_SEP_UPDATED, &a, err, errlen) < 0)
        return -1;
    if (a.rc == 0)
        m->updated_ms = a.m.updated_ms;
    else if (a.rc == 1)
        *current = a.current;
    else
        roam_errf(err, errlen, "%s", a.err);
    return a.rc;
}

static int rm_watch_start(void *be, char *err, size_t errlen)
{
    remote *r = be;
    static ims_sep_msg q, a;
    memset(&q, 0, sizeof q);
    q.type = IMS_SEP_WATCH;
    if (call(r, &q, IMS_SEP_WATCHING, &a, err, errlen) < 0)
        return -1;
    if (a.rc < 0)
        return roam_errf(err, errlen, "%s", a.err);
    r->has_feed = a.feed;
    return 0;
}

static int rm_watch_fd(void *be)
{
    const remote *r = be;
    return r->has_feed ? r->feed : -1;
}

/* Whole messages only, while one more surely fits in out. */
static size_t rm_watch_take(void *be, ims_change *out, size_t max, int *resync)
{
    remote *r = be;
    static ims_sep_msg a;
    uint8_t buf[IMS_SEP_MSG_MAX + 1];
    size_t n = 0;
    while (r->has_feed && max - n >= IMS_SEP_FEED_MAX) {
        ssize_t got = recv(r->feed, buf, sizeof buf, MSG_DONTWAIT);
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        if (got <= 0) {
            /* Closing it also takes it out of the server's epoll set. */
            roam_log("the store process's change feed ended: %s",
                     got < 0 ? strerror(errno) : "store process gone");
            close(r->feed);
            r->feed = -1;
            r->has_feed = 0;
            *resync = 1;
            break;
        }
        char why[ROAM_ERR_MAX];
        if (ims_sep_decode(buf, (size_t)got, 0, &a, why, sizeof why) < 0 ||
            a.type != IMS_SEP_CHANGES) {
            roam_log("change from the store process refused: %s",
                     a.type != IMS_SEP_CHANGES ? "not a change" : why);
            *resync = 1;
            continue;
        }
        *resync |= a.resync;
        memcpy(out + n, a.changes, a.n_changes * sizeof *out);
        n += a.n_changes;
    }
    return n;
}

static int rm_enroll(void *be, const uint8_t hoa[IMS_ADDR_LEN],
                     const uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    (void)be, (void)hoa, (void)pub;
    return roam_errf(err, errlen, "enrolling is the store process's alone");
}

static int rm_revoke(void *be, const uint8_t hoa[IMS_ADDR_LEN], char *err, size_t errlen)
{
    (void)be, (void)hoa;
    return roam_errf(err, errlen, "revoking is the store process's alone");
}

static int rm_each(void *be, void (*fn)(const ims_mapping *m, void *arg), void *arg,
                   char *err, size_t errlen)
{
    (void)be, (void)fn, (void)arg;
    return roam_errf(err, errlen, "listing is the store process's alone");
}

const ims_store_ops ims_remote_ops = {
    .close = rm_close,
    .enroll = rm_enroll,
    .revoke = rm_revoke,
    .get = rm_get,
    .update = rm_update,
    .each = rm_each,
    .watch_start = rm_watch_start,
    .watch_fd = rm_watch_fd,
    .watch_take = rm_watch_take,
};
