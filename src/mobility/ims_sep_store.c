/* roam-ims's store process's loop (ims_sep_store.h). */
#include "ims_sep_store.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "errbuf.h"
#include "ims_sep_msg.h"
#include "log.h"

typedef struct sep {
    ims_store *st;
    int req, feed;
    int watching;
    int owed_resync;   /* changes were dropped: the next message says so */
    ims_sep_msg q, a;  /* large: kept off the stack */
    uint8_t buf[IMS_SEP_MSG_MAX + 1];
} sep;

static void answer(sep *p)
{
    ims_sep_msg *q = &p->q, *a = &p->a;
    memset(a, 0, sizeof *a);
    switch (q->type) {
    case IMS_SEP_GET:
        a->type = IMS_SEP_GOT;
        a->rc = ims_store_get(p->st, q->hoa, &a->m, a->pub, a->err, sizeof a->err);
        break;
    case IMS_SEP_UPDATE:
        a->type = IMS_SEP_UPDATED;
        a->m = q->m;
        a->rc = ims_store_update(p->st, &a->m, &a->current, a->err, sizeof a->err);
        break;
    default: /* IMS_SEP_WATCH: the decoder lets no other type through */
        a->type = IMS_SEP_WATCHING;
        a->rc = p->watching ? 0 : ims_store_watch_start(p->st, a->err, sizeof a->err);
        p->watching = a->rc == 0;
        a->feed = ims_store_watch_fd(p->st) >= 0;
        break;
    }
}

/* Take what the feed has and pass it on; a full socket costs the network
 * process a re-read, never this process a wait. */
static void forward(sep *p, int only_resync)
{
    ims_sep_msg *a = &p->a;
    memset(a, 0, sizeof *a);
    a->type = IMS_SEP_CHANGES;
    if (!only_resync)
        a->n_changes = ims_store_watch_take(p->st, a->changes, IMS_SEP_FEED_MAX, &a->resync);
    a->resync |= p->owed_resync;
    if (a->n_changes == 0 && !a->resync)
        return;
    int n = ims_sep_encode(a, p->buf, sizeof p->buf);
    if (n < 0) {
        roam_log("a change from the store does not fit the feed: the network process "
                 "re-reads");
        p->owed_resync = 1;
        return;
    }
    ssize_t w = send(p->feed, p->buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    p->owed_resync = w != n;
}

int ims_sep_store_serve(ims_store *st, int req, int feed, char *err, size_t errlen)
{
    static sep p;
    memset(&p, 0, sizeof p);
    p.st = st;
    p.req = req;
    p.feed = feed;
    for (;;) {
        int wfd = p.watching ? ims_store_watch_fd(st) : -1;
        struct pollfd f[3] = { { req, POLLIN, 0 }, { wfd, POLLIN, 0 },
                               { p.owed_resync ? feed : -1, POLLOUT, 0 } };
        if (poll(f, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return roam_errf(err, errlen, "store process: poll: %s", strerror(errno));
        }
        if (f[1].revents & POLLIN)
            forward(&p, 0);
        if (f[2].revents & POLLOUT)
            forward(&p, 1);
        if (!(f[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t got = recv(req, p.buf, sizeof p.buf, MSG_DONTWAIT);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got == 0)
            return 0;
        if (got < 0)
            return roam_errf(err, errlen, "store process: %s", strerror(errno));
        char why[ROAM_ERR_MAX];
        if (ims_sep_decode(p.buf, (size_t)got, 1, &p.q, why, sizeof why) < 0)
            return roam_errf(err, errlen, "request from the network process refused: %s",
                             why);
        answer(&p);
        int n = ims_sep_encode(&p.a, p.buf, sizeof p.buf);
        if (n < 0) {
            /* A stored mapping the codec cannot carry: say so, keep serving. */
            int type = p.a.type;
            memset(&p.a, 0, sizeof p.a);
            p.a.type = type;
            p.a.rc = -1;
            snprintf(p.a.err, sizeof p.a.err, "the store's answer is out of range");
            n = ims_sep_encode(&p.a, p.buf, sizeof p.buf);
        }
        if (n < 0 || send(req, p.buf, (size_t)n, MSG_NOSIGNAL) != n)
            return roam_errf(err, errlen, "store process: cannot answer: %s",
                             n < 0 ? "encoding" : strerror(errno));
    }
}
