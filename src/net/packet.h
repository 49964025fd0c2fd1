/* Link-layer (AF_PACKET) sockets on one interface: roam writes an RA
 * straight into a VM NIC's tap (the frame goes to the guest, nowhere else),
 * watches that tap for the guest's answer, and captures RARP on the
 * destination's VM bridge.  Needs CAP_NET_RAW. */
#ifndef ROAM_NET_PACKET_H
#define ROAM_NET_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Open an AF_PACKET socket bound to ifname receiving ethertype proto
 * (host order; 0x0003 = ETH_P_ALL).  Frames the host itself sends on the
 * interface are not returned (PACKET_IGNORE_OUTGOING).  fd or -1. */
int roam_packet_open(const char *ifname, uint16_t proto, char *err, size_t errlen);

/* Send one complete Ethernet frame on the socket's interface.  0 or -1. */
int roam_packet_send(int fd, const uint8_t *frame, size_t len, char *err, size_t errlen);

/* Receive one frame before deadline (deadline.h, -1: never).  Returns its
 * length (truncated to cap), 0 on timeout, -1 on error. */
ssize_t roam_packet_recv(int fd, uint8_t *buf, size_t cap, int64_t deadline,
                         char *err, size_t errlen);

/* ifindex and MAC of an interface (SIOCGIFHWADDR).  0 or -1. */
int roam_if_mac(const char *ifname, uint8_t mac[6], char *err, size_t errlen);

#endif
