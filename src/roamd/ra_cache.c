/* Latest-RA cache on the uplink (see ra_cache.h). */
#define _GNU_SOURCE
#include "ra_cache.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "nd_sock.h"
#include "ra_frame.h"

#define RA_BUF 2048   /* an RA from a real router fits in one 1500-byte frame */

struct roamd_ra_cache {
    char ifname[32];
    struct roamd_ra_pin pin;
    int max_age_ms;
    int fd;
    int stop_pipe[2];
    pthread_t thread;
    pthread_mutex_t lock;
    uint8_t ra[RA_BUF];
    size_t len;
    struct in6_addr src;
    int64_t at_ms;
};

void roamd_ra_pin_of(const struct roamd_config *cfg, struct roamd_ra_pin *pin)
{
    memset(pin, 0, sizeof *pin);
    pin->have_addr = cfg->have_router;
    pin->addr = cfg->router;
    pin->have_mac = cfg->have_router_mac;
    memcpy(pin->mac, cfg->router_mac, 6);
}

int roamd_ra_from_router(const struct roamd_ra_pin *pin, const struct in6_addr *src,
                         const uint8_t smac[6], const uint8_t *ra, size_t len)
{
    struct roam_ra_info info;
    char why[128];
    if (roam_ra_parse(ra, len, &info, why, sizeof why) < 0)
        return 0;
    if (pin->have_addr && memcmp(src, &pin->addr, sizeof *src) != 0)
        return 0;
    if (pin->have_mac && (memcmp(smac, pin->mac, 6) != 0 ||
                          (info.has_slla && memcmp(info.slla, pin->mac, 6) != 0)))
        return 0;
    return 1;
}

int roamd_ra_fetch(const char *ifname, const struct roamd_ra_pin *pin, int timeout_ms,
                   uint8_t *buf, size_t cap, struct in6_addr *src, char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    /* Listening before the RS goes out, so the answer cannot be missed. */
    int fd = roam_ra_frame_open(ifname, err, errlen);
    if (fd < 0)
        return -1;
    int rs = roam_nd_open(ifname, ROAM_ND_RA, err, errlen);
    int r = rs < 0 ? -1 : roam_rs_send(rs, ifname, err, errlen), others = 0;
    if (rs >= 0)
        close(rs);
    while (r == 0) {
        uint8_t smac[6];
        r = roam_ra_frame_recv(fd, buf, cap, src, smac, deadline, err, errlen);
        if (r > 0 && !roamd_ra_from_router(pin, src, smac, buf, (size_t)r)) {
            others++;
            r = 0;
            continue;
        }
        if (r == 0) {
            roam_errf(err, errlen, "no Router Advertisement from the provider's router on %s "
                      "within %d ms (%d from others ignored)", ifname, timeout_ms, others);
            r = -1;
        }
    }
    close(fd);
    return r;
}

static void *listen_loop(void *arg)
{
    roamd_ra_cache *c = arg;
    for (;;) {
        uint8_t buf[RA_BUF];
        struct in6_addr src;
        uint8_t smac[6];
        char err[ROAM_ERR_MAX];
        /* Wake up regularly to notice stop requests. */
        int n = roam_ra_frame_recv(c->fd, buf, sizeof buf, &src, smac, roam_deadline(200), err,
                                   sizeof err);
        char b;
        if (read(c->stop_pipe[0], &b, 1) == 1)
            break;
        if (n <= 0 || !roamd_ra_from_router(&c->pin, &src, smac, buf, (size_t)n))
            continue;
        pthread_mutex_lock(&c->lock);
        memcpy(c->ra, buf, (size_t)n);
        c->len = (size_t)n;
        c->src = src;
        c->at_ms = roam_now_ms();
        pthread_mutex_unlock(&c->lock);
    }
    return NULL;
}

roamd_ra_cache *roamd_ra_cache_start(const char *ifname, const struct roamd_ra_pin *pin,
                                     int max_age_s, char *err, size_t errlen)
{
    roamd_ra_cache *c = calloc(1, sizeof *c);
    if (!c) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    if (strlen(ifname) >= sizeof c->ifname) {
        free(c);
        roam_errf(err, errlen, "interface name too long");
        return NULL;
    }
    strcpy(c->ifname, ifname);
    c->pin = *pin;
    c->max_age_ms = max_age_s * 1000;
    c->fd = roam_ra_frame_open(ifname, err, errlen);
    if (c->fd < 0) {
        free(c);
        return NULL;
    }
    if (pipe2(c->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        roam_errf(err, errlen, "pipe failed");
        close(c->fd);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    if (pthread_create(&c->thread, NULL, listen_loop, c) != 0) {
        roam_errf(err, errlen, "cannot start the RA listener thread");
        close(c->fd);
        close(c->stop_pipe[0]);
        close(c->stop_pipe[1]);
        free(c);
        return NULL;
    }
    return c;
}

void roamd_ra_cache_stop(roamd_ra_cache *c)
{
    if (!c)
        return;
    if (write(c->stop_pipe[1], "x", 1) != 1) {
        /* The pipe is empty and ours: a write cannot fail short of a bug. */
    }
    pthread_join(c->thread, NULL);
    close(c->fd);
    close(c->stop_pipe[0]);
    close(c->stop_pipe[1]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int roamd_ra_get(roamd_ra_cache *c, uint8_t *buf, size_t cap, struct in6_addr *src,
                 int timeout_ms, int64_t *age_ms, char *err, size_t errlen)
{
    pthread_mutex_lock(&c->lock);
    int64_t age = c->len ? roam_now_ms() - c->at_ms : -1;
    if (c->len && age <= c->max_age_ms && c->len <= cap) {
        memcpy(buf, c->ra, c->len);
        *src = c->src;
        int n = (int)c->len;
        pthread_mutex_unlock(&c->lock);
        *age_ms = age;
        return n;
    }
    pthread_mutex_unlock(&c->lock);
    *age_ms = 0;
    return roamd_ra_fetch(c->ifname, &c->pin, timeout_ms, buf, cap, src, err, errlen);
}
