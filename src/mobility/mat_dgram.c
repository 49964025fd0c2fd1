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
        if (!ims_dgram_ack_ok(buf, (size_t)n, ims_pub, &d->pending, err, sizeof err)) {
            roam_log("ignored a datagram from the IMS address: %s", err);
            continue;
        }
        mat_dgram_close(d);
        return 1;
    }
    return 0;
}
