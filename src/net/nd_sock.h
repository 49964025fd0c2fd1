/* Raw ICMPv6 sockets on one interface: send a Router Solicitation and read
 * Router Advertisements (hop limit 255 and a link-local source enforced, as
 * RFC 4861 requires), and ICMPv6 echo to check that an address answers.
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

/* Wait until deadline for a valid RA (parsable, hop limit 255, link-local
 * source).  Returns its length (copied to buf), 0 on timeout, -1 on error;
 * *src gets the router's address.  Invalid RAs are skipped. */
int roam_ra_recv(int fd, uint8_t *buf, size_t cap, struct in6_addr *src, int64_t deadline,
                 char *err, size_t errlen);

/* Send an RS on ifname and return the first valid RA within timeout_ms.
 * Length, 0 on timeout (err says so), -1 on error. */
int roam_ra_fetch(const char *ifname, int timeout_ms, uint8_t *buf, size_t cap,
                  struct in6_addr *src, char *err, size_t errlen);

/* Echo dst (reachable through ifname) every interval_ms until it answers or
 * timeout_ms passes.  1 answered (*rtt_us set), 0 no answer, -1 error. */
int roam_ping6(const char *ifname, const struct in6_addr *dst, int timeout_ms,
               int interval_ms, int64_t *rtt_us, char *err, size_t errlen);

#endif
