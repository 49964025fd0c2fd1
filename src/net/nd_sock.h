/* Raw ICMPv6 sockets on one interface: send a Router Solicitation (the
 * RAs are read with their frames, ra_frame.h, to see the router's MAC), and
 * a Neighbor Solicitation probe to check which NIC answers for an address.
 * Needs CAP_NET_RAW. */
#ifndef ROAM_NET_ND_SOCK_H
#define ROAM_NET_ND_SOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Raw ICMPv6 socket bound to ifname that passes only ICMPv6 type `type`
 * (ROAM_ND_RA, ROAM_ICMP6_ECHO_REPLY, ...).  fd or -1. */
int roam_nd_open(const char *ifname, int type, char *err, size_t errlen);

/* Send a Router Solicitation to ff02::2 on the socket's interface. */
int roam_rs_send(int fd, const char *ifname, char *err, size_t errlen);

/* Send a Neighbor Solicitation for target to its solicited-node group on
 * the socket's interface, with a source link-layer address option smac.
 * 0 or -1. */
int roam_ns_send(int fd, const char *ifname, const struct in6_addr *target,
                 const uint8_t smac[6], char *err, size_t errlen);

/* Wait until deadline (deadline.h; roam_deadline(0) only looks) for a
 * valid Neighbor Advertisement for target (hop limit 255, sent from target
 * itself; the socket from roam_nd_open(..., ROAM_ND_NA)).  1 (*has_tlla and tlla set), 0 none,
 * -1 error. */
int roam_na_recv(int fd, const struct in6_addr *target, int *has_tlla, uint8_t tlla[6],
                 int64_t deadline, char *err, size_t errlen);

/* Check that the NIC with MAC `mac` on ifname's link holds `target` and
 * answers for it: send a Neighbor Solicitation for target to its
 * solicited-node group every interval_ms, until a Neighbor Advertisement
 * for target arrives whose target link-layer address is mac (a node answers
 * on the interface the NS came in on, so this pins the address to that NIC
 * and to this link).  1 answered (*rtt_us set), 0 not within timeout_ms,
 * -1 error. */
int roam_nd_probe(const char *ifname, const struct in6_addr *target, const uint8_t mac[6],
                  int timeout_ms, int interval_ms, int64_t *rtt_us, char *err, size_t errlen);

#endif
