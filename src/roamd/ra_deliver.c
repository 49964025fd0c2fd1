/* RA delivery into the secondary NIC's tap (see ra_deliver.h). */
#include "ra_deliver.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "packet.h"

#define ETH_P_ALL_ 0x0003
#define RESEND_MS 150

int roamd_ra_deliver_start(struct roamd_ra_delivery *r, const char *tap, const uint8_t guest_mac[6],
                           const uint8_t *ra, size_t ra_len, const struct in6_addr *router,
                           char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->send_fd = r->watch_fd = -1;
    r->seen_after_ms = -1;
    r->link_after_ms = -1;
    r->ho_after_ms = -1;
    r->ho_lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    if (strlen(tap) >= sizeof r->tap)
        return roam_errf(err, errlen, "tap name too long");
    strcpy(r->tap, tap);
    memcpy(r->guest_mac, guest_mac, 6);
    struct roam_ra_info info;
    char why[ROAM_ERR_MAX];
    if (roam_ra_parse(ra, ra_len, &info, why, sizeof why) < 0)
        return roam_errf(err, errlen, "destination's RA: %s", why);
    for (size_t i = 0; i < info.n_prefix; i++)
        if (info.prefix[i].autonomous && info.prefix[i].len == 64) {
            r->prefix = info.prefix[i].prefix;
            r->prefix_len = 64;
            break;
        }
    if (!r->prefix_len)
        return roam_errf(err, errlen, "destination's RA has no /64 prefix for SLAAC");
    uint8_t smac[6];
    if (info.has_slla)
        memcpy(smac, info.slla, 6);
    else if (roam_if_mac(tap, smac, err, errlen) < 0)
        return -1;
    struct in6_addr all_nodes;
    inet_pton(AF_INET6, "ff02::1", &all_nodes);
    int n = roam_nd_frame_build(r->frame, sizeof r->frame, smac, NULL, router, &all_nodes, ra,
                                ra_len);
    if (n < 0)
        return roam_errf(err, errlen, "destination's RA does not fit a frame");
    r->frame_len = (size_t)n;
    /* Watch before sending, so the guest's quick answer is not missed.
     * ETH_P_ALL, not ETH_P_IPV6: on a bridge port, protocol-specific packet
     * sockets run after the bridge has consumed the frame, so they never see
     * what the guest sends. */
    r->watch_fd = roam_packet_open(tap, ETH_P_ALL_, err, errlen);
    if (r->watch_fd < 0)
        return -1;
    r->send_fd = roam_packet_open(tap, ETH_P_ALL_, err, errlen);
    if (r->send_fd < 0)
        goto fail;
    r->started_ms = roam_now_ms();
    return 0;
fail:
    roamd_ra_deliver_stop(r);
    return -1;
}

/* Until the guest's link is up, QEMU drops what we send it; the first frame
 * the guest itself sends (MLD report, RS, DAD) shows the link is up, so the
 * RA is sent again right then.  Before that it is re-sent every RESEND_MS,
 * after that every second until the guest's DAD probe for a new-prefix
 * address shows (none comes when the guest already holds that address). */
int roamd_ra_deliver_send(struct roamd_ra_delivery *r, char *err, size_t errlen)
{
    if (roam_packet_send(r->send_fd, r->frame, r->frame_len, err, errlen) < 0)
        return -1;
    r->sends++;
    return 0;
}

/* A frame from the guest that may be its handover: keep the latest one. */
static void catch_handover(struct roamd_ra_delivery *r, const uint8_t *f, size_t n)
{
    roam_handover *h = &r->rx_ho;
    char err[ROAM_ERR_MAX];
    int got = roam_handover_from_frame(f, n, r->guest_mac, h, err, sizeof err);
    if (got < 0 && !r->ho_error[0]) {
        snprintf(r->ho_error, sizeof r->ho_error, "%.120s", err);
        roam_log("ignoring a malformed handover from the guest on %s: %s", r->tap, err);
    }
    if (got <= 0)
        return;
    pthread_mutex_lock(&r->ho_lock);
    /* The guest may repeat itself; only a different one goes out again. */
    int same = r->ho_seen && r->ho.reg_len == h->reg_len && r->ho.ims_port == h->ims_port &&
               memcmp(r->ho.moa, h->moa, 16) == 0 && memcmp(r->ho.ims_addr, h->ims_addr, 16) == 0 &&
               memcmp(r->ho.reg, h->reg, h->reg_len) == 0;
    if (!same) {
        r->ho = *h;
        r->ho_fresh = 1;
        r->ho_seen++;
        r->ho_after_ms = roam_now_ms() - r->started_ms;
    }
    pthread_mutex_unlock(&r->ho_lock);
}

int roamd_ra_deliver_take_handover(struct roamd_ra_delivery *r, roam_handover *out)
{
    pthread_mutex_lock(&r->ho_lock);
    int fresh = r->ho_fresh;
    if (fresh)
        *out = r->ho;
    r->ho_fresh = 0;
    pthread_mutex_unlock(&r->ho_lock);
    return fresh;
}

/* The RA work ends when the guest shows it took the RA, or after the
 * window; watching for handovers goes on until stop. */
static void *watch(void *arg)
{
    struct roamd_ra_delivery *r = arg;
    int64_t end = r->started_ms + r->window_ms;
    int64_t next_send = roam_now_ms() + RESEND_MS;
    int ra_done = 0;
    uint8_t *f = r->rx;
    char err[ROAM_ERR_MAX];
    while (!r->stop) {
        if (!ra_done && roam_now_ms() >= end)
            ra_done = 1;
        /* Wake at least every 50 ms: stop must not wait for a long poll. */
        int64_t dl = roam_now_ms() + 50;
        if (!ra_done && next_send < dl)
            dl = next_send;
        ssize_t n = roam_packet_recv(r->watch_fd, f, sizeof r->rx, dl, err, sizeof err);
        if (n < 0) {
            snprintf(r->watch_error, sizeof r->watch_error, "%.120s", err);
            break;
        }
        int resend = !ra_done && roam_now_ms() >= next_send;
        if (n >= ROAM_ETH_HLEN && memcmp(f + 6, r->guest_mac, 6) == 0) {
            catch_handover(r, f, (size_t)n);
            if (r->link_after_ms < 0) {
                r->link_after_ms = roam_now_ms() - r->started_ms;
                resend = !ra_done;
            }
            struct in6_addr target;
            if (!ra_done && roam_frame_ns_target(f, (size_t)n, r->guest_mac, &target) &&
                roam_in6_prefix_match(&target, &r->prefix, r->prefix_len)) {
                r->seen_addr = target;
                r->seen_after_ms = roam_now_ms() - r->started_ms;
                ra_done = 1;
                continue;
            }
        }
        if (resend) {
            if (roam_packet_send(r->send_fd, r->frame, r->frame_len, err, sizeof err) == 0)
                r->sends++;
            next_send = roam_now_ms() + (r->link_after_ms < 0 ? RESEND_MS : 1000);
        }
    }
    return NULL;
}

int roamd_ra_deliver_watch(struct roamd_ra_delivery *r, int window_ms)
{
    r->window_ms = window_ms;
    if (pthread_create(&r->thread, NULL, watch, r) != 0)
        return -1;
    r->running = 1;
    return 0;
}

void roamd_ra_deliver_stop(struct roamd_ra_delivery *r)
{
    if (r->running) {
        r->stop = 1;
        pthread_join(r->thread, NULL);
        r->running = 0;
    }
    if (r->send_fd >= 0)
        close(r->send_fd);
    if (r->watch_fd >= 0)
        close(r->watch_fd);
    r->send_fd = r->watch_fd = -1;
}
