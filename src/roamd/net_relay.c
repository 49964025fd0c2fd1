/* The network process's relays (net_proc.h): one thread per connection
 * carries frames between its TLS connection and the monitor's socket.
 * What comes from the network is bounded before it is buffered (a client
 * or a source daemon never needs more than a small frame; only a
 * destination's answers to our own dials may be large) and must decode
 * and validate as a roam message before the monitor sees a byte of it.
 * What the monitor sends goes out unchanged. */
#define _GNU_SOURCE
#include "net_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "frame.h"
#include "log.h"
#include "msg.h"
#include "net_chan.h"
#include "peer_cert.h"

/* A frame arriving from the network, as far as it has come. */
struct inbox {
    uint8_t hdr[4];
    uint8_t *buf;
    size_t got, len;      /* got counts the header too */
    int64_t deadline;     /* the whole frame by then (io_timeout_ms) */
};

/* PULL_FAILED is the transport's (a reset, a cut), which the session
 * learns as the end of its stream, as it would have on the connection
 * itself; PULL_REFUSED is the sender's fault (a frame over the bound). */
enum { PULL_MORE = 0, PULL_FRAME = 1, PULL_CLOSED = -1, PULL_FAILED = -2, PULL_REFUSED = -3 };

/* Take what the connection holds now, without waiting. */
static int pull(const roam_stream *ts, struct inbox *in, size_t max, int io_ms, char *err,
                size_t errlen)
{
    for (;;) {
        int64_t now = roam_deadline(0);
        ssize_t r;
        if (in->got < 4)
            r = ts->read(ts->ctx, in->hdr + in->got, 4 - in->got, now, err, errlen);
        else
            r = ts->read(ts->ctx, in->buf + (in->got - 4), in->len - (in->got - 4), now, err,
                         errlen);
        if (r == ROAM_IO_TIMEOUT)
            return PULL_MORE;
        if (r == ROAM_IO_EOF) {
            if (in->got == 0)
                return PULL_CLOSED;
            roam_errf(err, errlen, "the connection ended inside a frame");
            return PULL_FAILED;
        }
        if (r < 0)
            return PULL_FAILED;
        if (in->got == 0)
            in->deadline = roam_deadline(io_ms);
        in->got += (size_t)r;
        if (in->got == 4) {
            in->len = (size_t)in->hdr[0] << 24 | (size_t)in->hdr[1] << 16 |
                      (size_t)in->hdr[2] << 8 | in->hdr[3];
            if (in->len == 0 || in->len > max) {
                roam_errf(err, errlen, "a frame of %zu bytes (allowed 1..%zu here)", in->len,
                          max);
                return PULL_REFUSED;
            }
            if (!(in->buf = malloc(in->len))) {
                roam_errf(err, errlen, "out of memory");
                return PULL_FAILED;
            }
        }
        if (in->got >= 4 && in->got == 4 + in->len)
            return PULL_FRAME;
    }
}

/* The network sent what may not pass (why): the sender is told, and the
 * session learns it as an Error in the protocol phase, so that it ends
 * the way it would have had it read the message itself (the destination
 * disarms, both sides audit). */
static void refuse(const struct roamd_net_relay_args *a, const roam_stream *ts,
                   const roam_stream *rs, const char *why)
{
    char err[ROAM_ERR_MAX], text[ROAM_ERR_MAX];
    roam_log("%s %s: %s", a->peer ? "peer" : "client", a->addr, why);
    (void)roam_msg_send_error(ts, ROAM__V1__PHASE__PHASE_PROTOCOL, why, a->n->io_ms, err,
                              sizeof err);
    snprintf(text, sizeof text, "malformed message refused by the network process: %s", why);
    (void)roam_msg_send_error(rs, ROAM__V1__PHASE__PHASE_PROTOCOL, text, a->n->io_ms, err,
                              sizeof err);
}

/* A whole frame from the network: forwarded if it is a valid message,
 * else refused.  0, or -1 to end the relay. */
static int forward(const struct roamd_net_relay_args *a, const roam_stream *ts,
                   const roam_stream *rs, struct inbox *in)
{
    char err[ROAM_ERR_MAX], why[ROAM_ERR_MAX];
    roam_envelope *env = NULL;
    int rc = 0;
    if (roam_msg_decode(in->buf, in->len, &env, why, sizeof why) != ROAM_OK) {
        refuse(a, ts, rs, why);
        rc = -1;
    } else if (roam_frame_write(rs, in->buf, in->len, a->n->io_ms, err, sizeof err) != ROAM_OK)
        rc = -1;   /* the session has ended */
    roam_msg_free(env);
    free(in->buf);
    memset(in, 0, sizeof *in);
    return rc;
}

/* One frame from the monitor out to the network.  1 sent, 0 the monitor
 * closed, -1 failed. */
static int push(const struct roamd_net_relay_args *a, const roam_stream *ts,
                const roam_stream *rs)
{
    char err[ROAM_ERR_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    roam_status st = roam_frame_read(rs, &buf, &len, a->n->io_ms, err, sizeof err);
    if (st == ROAM_CLOSED)
        return 0;
    if (st != ROAM_OK)
        return -1;
    st = roam_frame_write(ts, buf, len, a->n->io_ms, err, sizeof err);
    free(buf);
    if (st != ROAM_OK)
        roam_log("%s %s: %s", a->peer ? "peer" : "client", a->addr, err);
    return st == ROAM_OK ? 1 : -1;
}

static void relay(struct roamd_net_relay_args *a)
{
    roam_stream ts = roam_tls_stream(a->c), rs = roam_stream_socket(a->fd);
    size_t max = a->dial ? ROAM_FRAME_MAX : ROAM_SMALL_FRAME_MAX;
    int tfd = roam_tls_fd(a->c), fl = fcntl(tfd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(tfd, F_SETFL, fl | O_NONBLOCK);
    struct inbox in = { 0 };
    char err[ROAM_ERR_MAX];
    int tls_open = 1;
    for (;;) {
        int from_net = roam_tls_pending(a->c);
        if (!from_net) {
            struct pollfd p[2] = { { tfd, POLLIN, 0 }, { a->fd, POLLIN, 0 } };
            int r = poll(p, 2, in.got ? roam_remaining_ms(in.deadline) : -1);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                break;
            if (r == 0) {
                roam_log("%s %s: a frame unfinished after %d ms (io_timeout_ms)",
                         a->peer ? "peer" : "client", a->addr, a->n->io_ms);
                break;
            }
            if (p[1].revents) {
                int k = push(a, &ts, &rs);
                if (k <= 0)
                    break;
            }
            from_net = p[0].revents != 0;
        }
        if (!from_net)
            continue;
        int k = pull(&ts, &in, max, a->n->io_ms, err, sizeof err);
        if (k == PULL_FRAME && forward(a, &ts, &rs, &in) == 0)
            continue;
        if (k == PULL_MORE)
            continue;
        if (k == PULL_REFUSED)
            refuse(a, &ts, &rs, err);
        else if (k == PULL_FAILED)
            roam_log("%s %s: %s", a->peer ? "peer" : "client", a->addr, err);
        tls_open = k == PULL_REFUSED;
        break;
    }
    free(in.buf);
    close(a->fd);
    /* A source daemon pipelines its requests: an answer must not be lost
     * to the reset that unread requests behind it would draw. */
    if (!tls_open)
        roam_tls_close(a->c, 0);
    else if (a->peer && !a->dial)
        roam_tls_close_linger(a->c, 1000);
    else
        roam_tls_close(a->c, 1000);
    if (a->pool)
        roam_pool_release(a->pool, a->key, 1);
}

static void *relay_thread(void *arg)
{
    struct roamd_net_relay_args *a = arg;
    relay(a);
    free(a);
    return NULL;
}

static int start_thread(void *(*fn)(void *), void *arg)
{
    pthread_attr_t at;
    pthread_t t;
    if (pthread_attr_init(&at) != 0)
        return -1;
    (void)pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    (void)pthread_attr_setstacksize(&at, 256 * 1024);
    int rc = pthread_create(&t, &at, fn, arg);
    pthread_attr_destroy(&at);
    return rc == 0 ? 0 : -1;
}

int roamd_net_relay_start(const struct roamd_net_relay_args *a)
{
    struct roamd_net_relay_args *copy = malloc(sizeof *copy);
    if (copy) {
        *copy = *a;
        if (start_thread(relay_thread, copy) == 0)
            return 0;
        free(copy);
    }
    roam_log("%s %s: no thread for its relay", a->peer ? "peer" : "client", a->addr);
    close(a->fd);
    roam_tls_abort(a->c);
    return -1;
}

/* ---- dials ---- */

struct dial {
    struct roamd_netd *n;
    int fd;
    uint32_t id;
    char host[ROAM_NAME_MAX + 1];
};

/* Say why a dial failed, in what the message allows (printable ASCII). */
static void dial_failed(struct roamd_netd *n, uint32_t id, const char *why)
{
    struct roamd_net_msg m = { .type = ROAMD_NET_DIALED, .id = id };
    snprintf(m.error, sizeof m.error, "%s", why[0] ? why : "failed");
    for (char *p = m.error; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
    (void)roamd_net_send(n->ctl, &m, -1);
}

static void *dial_thread(void *arg)
{
    struct dial *d = arg;
    struct roamd_netd *n = d->n;
    char why[ROAM_ERR_MAX] = "";
    static __thread uint8_t chain[ROAM_PEER_CHAIN_DER_MAX];
    struct roamd_net_msg m = { .type = ROAMD_NET_DIALED, .id = d->id, .chain = chain };
    int sv[2] = { -1, -1 };
    /* roam_tls_connect owns fd from here on, success or not. */
    roam_tls_conn *c = roam_tls_connect(n->peer_tls_client, d->fd, d->host, n->io_ms, why,
                                        sizeof why);
    if (!c)
        dial_failed(n, d->id, why);
    else if (roam_tls_exporter(c, m.exporter, why, sizeof why) < 0 ||
             roam_tls_peer_chain_der(c, chain, sizeof chain, &m.chain_len, why,
                                     sizeof why) < 0 ||
             socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
             roamd_net_send(n->ctl, &m, sv[1]) < 0) {
        if (sv[0] < 0 && !why[0])
            snprintf(why, sizeof why, "%s", strerror(errno));
        dial_failed(n, d->id, why);
        if (sv[0] >= 0) {
            close(sv[0]);
            close(sv[1]);
        }
        roam_tls_abort(c);
    } else {
        close(sv[1]);
        struct roamd_net_relay_args a = { .n = n, .c = c, .fd = sv[0], .peer = 1, .dial = 1 };
        snprintf(a.addr, sizeof a.addr, "%.*s", ROAMD_NET_ADDR_MAX, d->host);
        relay(&a);
    }
    free(d);
    return NULL;
}

int roamd_net_dial_start(struct roamd_netd *n, const struct roamd_net_msg *m, int fd)
{
    struct dial *d = calloc(1, sizeof *d);
    if (d) {
        d->n = n;
        d->fd = fd;
        d->id = m->id;
        snprintf(d->host, sizeof d->host, "%s", m->host);
        if (start_thread(dial_thread, d) == 0)
            return 0;
        free(d);
    }
    close(fd);
    dial_failed(n, m->id, "the network process has no thread for it");
    return -1;
}
