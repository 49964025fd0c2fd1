/* rtnetlink through libmnl for roam-mat: link and IPv6 address events (the
 * secondary NIC got an address in a new prefix; the primary NIC's link went
 * down), an initial dump of both, and adding the HoA to a device. */
#ifndef ROAM_MOBILITY_MAT_NETLINK_H
#define ROAM_MOBILITY_MAT_NETLINK_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "mat_rules.h"

typedef struct mat_nl_handler {
    /* A link's state: up = administratively up and carrier present. */
    void (*link)(void *arg, int ifindex, const char *name, int up);
    /* An IPv6 address appeared/changed (present=1) or went away (0).
     * usable: global scope, not tentative (unless optimistic), DAD not
     * failed. */
    void (*addr)(void *arg, int ifindex, const uint8_t a[16], int present, int usable);
    /* A default route through a gateway in the main table appeared or went
     * away (roam-mat's own route excluded). */
    void (*route)(void *arg, int ifindex, const uint8_t gw[16], int present);
    void *arg;
} mat_nl_handler;

typedef struct mat_nl mat_nl;

/* Subscribe to link and IPv6 address events.  NULL with err. */
mat_nl *mat_nl_open(char *err, size_t errlen);
void mat_nl_close(mat_nl *n);
int mat_nl_fd(const mat_nl *n);

/* Dump every link, then every IPv6 address, through h (blocking, short). */
int mat_nl_dump(mat_nl *n, const mat_nl_handler *h, char *err, size_t errlen);

/* Handle the events waiting on the socket (non-blocking).  0, or -1 on a
 * socket error.  An overrun (ENOBUFS) triggers a fresh dump. */
int mat_nl_read(mat_nl *n, const mat_nl_handler *h, char *err, size_t errlen);

/* roam-mat's own default route: metric 1 (ahead of the RA-learned ones),
 * protocol MAT_RTPROT so it is recognisable (`ip -6 route show proto 82`). */
#define MAT_RTPROT 82
#define MAT_ROUTE_METRIC 1

/* Point roam-mat's default route at gw on ifindex (replacing it), or, with
 * ifindex 0, delete it.  0 or -1. */
int mat_nl_default_route(mat_nl *n, int ifindex, const uint8_t gw[16], char *err, size_t errlen);

/* The same in table MAT_STEER_TABLE (mat_rules.h): where packets marked
 * for the standby NIC go. */
int mat_nl_steer_route(mat_nl *n, int ifindex, const uint8_t gw[16], char *err, size_t errlen);

/* Add (add=1; an existing one is kept) or delete (every copy) the ip rule
 * "fwmark MAT_STEER_MARK lookup MAT_STEER_TABLE".  0 or -1. */
int mat_nl_steer_rule(mat_nl *n, int add, char *err, size_t errlen);

/* Add a /128 to a device (no DAD, replacing an existing one).  0 or -1. */
int mat_nl_add_addr(mat_nl *n, const char *ifname, const uint8_t a[16], char *err, size_t errlen);

#endif
