/* A throw-away network namespace for the destination's handover checks:
 * bridge brho (the VM bridge and uplink) with one port vmho0, whose veth
 * peer vmho1 stands for the VM and the router; 2001:db8:1::10 on lo plays
 * the IMS.  A router thread sends RAs into vmho1; the test injects the VM's
 * RARP there and captures what the daemon sends towards the VM's link.
 * The bridge port vmho0 also stands for a VM NIC's tap, as the source
 * daemon watches it.  Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW). */
#ifndef ROAM_TESTS_HANDOVER_LAB_H
#define ROAM_TESTS_HANDOVER_LAB_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define HOLAB_BRIDGE "brho"
#define HOLAB_IMS "2001:db8:1::10"
#define HOLAB_ROUTER "fe80::1"
#define HOLAB_PREFIX "2001:db8:b::"

/* Move the calling thread (call before any other thread starts) into a new
 * network namespace and build the links.  0, or -1 (not root, no netns). */
int holab_enter(void);

/* Start / stop the router thread (an RA every 50 ms). */
void holab_router_start(void);
void holab_router_stop(void);

/* An RA as the router sends it (at most 64 bytes).  Its length. */
size_t holab_make_ra(uint8_t *ra);

/* Send one frame from the VM's side of the link (vmho1).  0 or -1. */
int holab_vm_send(const uint8_t *frame, size_t len);

/* Send the VM's RARP (as QEMU does) from mac into the bridge.  0 or -1. */
int holab_rarp(const uint8_t mac[6]);

/* Packet socket on the VM's side of the link (vmho1), for holab_recv_ns. */
int holab_vm_open(void);

/* Wait up to timeout_ms on fd (holab_vm_open) for a Neighbor Solicitation
 * from the IPv6 source src.  Its frame into f (cap), length returned; 0 if
 * none came. */
size_t holab_recv_ns(int fd, const uint8_t src[16], uint8_t *f, size_t cap, int timeout_ms);

/* The IMS: a UDP socket bound to [HOLAB_IMS]:any.  fd, *port set. */
int holab_ims_open(uint16_t *port);

/* One datagram within timeout_ms (answered with "ack" to its sender, as an
 * IMS answers a registration).  Its length, 0 if none came. */
size_t holab_ims_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms);

#endif
