/* Which IPv6 addresses roam accepts as a node's address on the wire (a
 * mobile or home address, an IMS address): the one rule shared by the IMS
 * protocol and the handover datagram. */
#ifndef ROAM_NET_IPV6_ADDR_H
#define ROAM_NET_IPV6_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* 0 if a is unicast beyond the link (not ::, ::1, link-local, multicast or
 * IPv4-mapped; ULAs pass); -1 with err saying what `what` is instead (err
 * may be NULL). */
int roam_ipv6_unicast_check(const uint8_t a[16], const char *what, char *err, size_t errlen);

#endif
