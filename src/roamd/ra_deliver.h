/* Pre-processing on the source: hand the destination's RA to the VM's
 * secondary NIC and no other, by writing the frame into that NIC's tap
 * (what the host transmits on a tap, the guest receives).  Then, without
 * holding up the migration, watch the tap for the guest's duplicate-address
 * Neighbor Solicitation for an address in the new prefix — the sign that the
 * guest took the RA — and re-send the RA until it shows (the guest drops
 * frames that arrive before its link is up): the first frame the guest
 * sends shows its link is up, and the RA goes out again at that moment.
 *
 * The same watcher picks up the guest's handover datagram (src/net/
 * handover.h), its registration signed ahead for the switch, for the flow
 * thread to forward to the destination: it keeps watching for that until
 * stopped, after the RA work is done. */
#ifndef ROAMD_RA_DELIVER_H
#define ROAMD_RA_DELIVER_H

#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "handover.h"

struct roamd_ra_delivery {
    char tap[32];
    uint8_t frame[2048];
    size_t frame_len;
    uint8_t guest_mac[6];
    struct in6_addr prefix;     /* the RA's first autonomous prefix */
    unsigned prefix_len;
    int send_fd, watch_fd;
    int64_t started_ms;
    int window_ms;
    /* Set by the watcher; read after roamd_ra_deliver_stop. */
    int64_t link_after_ms;      /* first frame from the guest NIC; -1 if none */
    int64_t seen_after_ms;      /* guest's NS for a new-prefix address; -1 if not seen */
    struct in6_addr seen_addr;
    int sends;
    char watch_error[128];      /* why the watcher stopped early, or "" */
    /* The guest's latest handover, under ho_lock (the watcher writes it, the
     * flow thread takes it). */
    pthread_mutex_t ho_lock;
    roam_handover ho;
    int ho_fresh;               /* ho not yet taken */
    int ho_seen;                /* handovers captured (repeats not counted) */
    int64_t ho_after_ms;        /* the latest one's arrival; -1 if none */
    char ho_error[128];         /* the first malformed one's flaw, or "" */
    /* The watcher's own buffers: a whole handover frame, and its parse. */
    uint8_t rx[2048];
    roam_handover rx_ho;
    volatile int stop;
    pthread_t thread;
    int running;
};

/* Build the frame (source MAC: the RA's SLLA, else the tap's) and open the
 * sockets — before the NIC is linked up, so that the guest's first frames
 * (sent within tens of ms of link-up) are not missed.  0, or -1 with err
 * (nothing left open). */
int roamd_ra_deliver_start(struct roamd_ra_delivery *r, const char *tap, const uint8_t guest_mac[6],
                           const uint8_t *ra, size_t ra_len, const struct in6_addr *router,
                           char *err, size_t errlen);

/* Send the RA once.  0 or -1. */
int roamd_ra_deliver_send(struct roamd_ra_delivery *r, char *err, size_t errlen);

/* Start watching in the background: the RA is re-sent for at most
 * window_ms, handovers are captured until roamd_ra_deliver_stop. */
int roamd_ra_deliver_watch(struct roamd_ra_delivery *r, int window_ms);

/* 1 and *out filled if the guest sent a handover not taken before (an exact
 * repeat of the last one does not count again); 0 otherwise.  Thread-safe. */
int roamd_ra_deliver_take_handover(struct roamd_ra_delivery *r, roam_handover *out);

/* Stop the watcher (if any) and close the sockets. */
void roamd_ra_deliver_stop(struct roamd_ra_delivery *r);

#endif
