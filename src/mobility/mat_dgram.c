/* The registration datagram in flight (see mat_dgram.h). */
#include "mat_dgram.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "log.h"

#define DGRAM_FIRST_MS 20
#define DGRAM_SENDS 6

void mat_dgram_init(mat_dgram *d)
{
    memset(d, 0, sizeof *d);
    d->fd = -1;
}

void mat_dgram_close(mat_dgram *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

/* Send (again) and schedule the next try. */
static void transmit(mat_dgram *d)
{
    if (send(d->fd, d->buf, d->len, MSG_DONTWAIT) < 0)
        roam_debug("registration datagram not sent: %s", strerror(errno));   /* retried */
    d->sends++;
    d->next = roam_now_ms() + d->interval;
    d->interval *= 2;
}

void mat_dgram_start(mat_dgram *d, int fd, int64_t sent_at)
{
    d->fd = fd;
    memset(d->have_token, 0, sizeof d->have_token);
    d->since = roam_now_ms();
    d->interval = DGRAM_FIRST_MS;
    d->sends = 0;
    if (!sent_at) {
        transmit(d);
        return;
    }
    d->since = sent_at;   /* on its way since then: retransmit in time */
    d->sends = 1;
    d->next = sent_at + d->interval;
    d->interval *= 2;
}

int64_t mat_dgram_due(const mat_dgram *d)
{
    return d->fd >= 0 ? d->next : 0;
}

int mat_dgram_timer(mat_dgram *d, const char **why)
{
    if (d->fd < 0 || roam_now_ms() < d->next)
        return 0;
    if (d->sends >= DGRAM_SENDS) {
        *why = "no acknowledgement";
        return -1;
    }
    transmit(d);
    return 0;
}

int mat_dgram_readable(mat_dgram *d, const uint8_t ims_pub[IMS_PUBKEY_LEN], const char **why)
{
    for (int i = 0; i < 8 && d->fd >= 0; i++) {
        uint8_t buf[IMS_DGRAM_MAX + 1];
        ssize_t n = recv(d->fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == ECONNREFUSED) {   /* no UDP service there (ICMP): don't wait */
                *why = "the IMS does not take datagrams";
                return -1;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                roam_debug("registration datagram socket: %s", strerror(errno));
            return 0;
        }
        char err[ROAM_ERR_MAX];
        if (mat_dgram_token(d, buf, (size_t)n))
            continue;
        if (!ims_dgram_ack_ok(buf, (size_t)n, ims_pub, &d->pending, err, sizeof err)) {
            roam_log("ignored a datagram from the IMS address: %s", err);
            continue;
        }
        mat_dgram_close(d);
        return 1;
    }
    return 0;
}

int mat_dgram_token(mat_dgram *d, const uint8_t *buf, size_t len)
{
    char err[ROAM_ERR_MAX];
    size_t k;
    uint8_t tok[IMS_TOKEN_LEN];
    if (d->fd < 0 || !ims_dgram_challenge_for(buf, len, &d->pending, &k, tok, err, sizeof err))
        return 0;
    if (d->have_token[k] && memcmp(d->tokens[k], tok, IMS_TOKEN_LEN) == 0)
        return 1;   /* a copy: the registration with it is on its way */
    memcpy(d->tokens[k], tok, IMS_TOKEN_LEN);
    d->have_token[k] = 1;
    uint8_t held[IMS_MAX_BINDINGS][IMS_TOKEN_LEN], out[IMS_DGRAM_MAX];
    size_t n = 0;
    for (size_t i = 0; i < d->pending.n && i < IMS_MAX_BINDINGS; i++)
        if (d->have_token[i])
            memcpy(held[n++], d->tokens[i], IMS_TOKEN_LEN);
    size_t olen = ims_dgram_with_tokens(d->buf, d->len, (const uint8_t(*)[IMS_TOKEN_LEN])held, n,
                                        out, err, sizeof err);
    if (olen == 0) {
        roam_log("registration seq %llu: cannot add the IMS's token: %s",
                 (unsigned long long)d->pending.seq, err);
        return 1;
    }
    memcpy(d->buf, out, olen);
    d->len = olen;
    roam_log("registration seq %llu: proving mobile address %zu to the IMS (%zu token(s))",
             (unsigned long long)d->pending.seq, k, n);
    /* At once, outside the retransmission schedule: the IMS waits for it. */
    if (send(d->fd, d->buf, d->len, MSG_DONTWAIT) < 0)
        roam_debug("registration datagram not sent: %s", strerror(errno));
    return 1;
}
