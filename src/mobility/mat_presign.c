/* The switch registration signed ahead (see mat_presign.h). */
#include "mat_presign.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "ims_client.h"
#include "mat_handover.h"
#include "log.h"

void mat_presign_init(mat_presign *p)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
}

static void close_socket(mat_presign *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    p->sent_at = 0;
}

void mat_presign_drop(mat_presign *p)
{
    p->len = 0;
    close_socket(p);
}

int mat_presign_ready(const mat_presign *p, uint64_t last_seq)
{
    return p->len && p->seq > last_seq;
}

int mat_presign_holds(const mat_presign *p, const ims_mapping *w, uint64_t last_seq)
{
    return mat_presign_ready(p, last_seq) && ims_mapping_same_bindings(w, &p->map);
}

void mat_presign_make(mat_presign *p, EVP_PKEY *key, const ims_mapping *w, uint64_t seq,
                      const mat_config *cfg, const char *dev)
{
    char err[ROAM_ERR_MAX];
    close_socket(p);
    p->len = ims_dgram_register(key, w->hoa, seq, w->b, w->n, p->buf, err, sizeof err);
    if (p->len == 0) {
        roam_debug("switch registration not signed ahead: %s", err);
        return;
    }
    p->map = *w;
    p->seq = seq;
    const uint8_t *moa = w->b[ims_mapping_active(w)].moa;
    char src[INET6_ADDRSTRLEN];
    ims_addr_str(moa, src, sizeof src);
    p->fd = ims_socket_from(SOCK_DGRAM, src, dev, cfg->ims_address, cfg->ims_port, 0, err,
                            sizeof err);
    if (p->fd < 0) {
        roam_debug("switch registration socket not opened ahead: %s", err);
        return;
    }
    if (!cfg->handover || !dev)
        return;
    if (mat_handover_offer(dev, moa, p->fd, p->buf, p->len, err, sizeof err) < 0)
        roam_log("switch registration not offered to the hosts: %s", err);
    else
        roam_log("switch registration seq %llu offered to the hosts on %s",
                (unsigned long long)seq, dev);
}

int mat_presign_send(mat_presign *p, uint64_t last_seq)
{
    if (mat_presign_ready(p, last_seq) && p->fd >= 0) {
        int e;
        socklen_t el = sizeof e;
        (void)getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &e, &el);   /* nothing stale */
        if (send(p->fd, p->buf, p->len, MSG_DONTWAIT) == (ssize_t)p->len)
            p->sent_at = roam_now_ms();
    }
    return p->sent_at != 0;
}

size_t mat_presign_take(mat_presign *p, const ims_mapping *want, uint64_t last_seq,
                        uint8_t buf[IMS_DGRAM_MAX], uint64_t *seq, int *fd, int64_t *sent_at)
{
    *fd = -1;
    *sent_at = 0;
    if (!mat_presign_holds(p, want, last_seq))
        return 0;
    memcpy(buf, p->buf, p->len);
    *seq = p->seq;
    *fd = p->fd;
    *sent_at = p->fd >= 0 ? p->sent_at : 0;
    p->fd = -1;
    return p->len;
}
