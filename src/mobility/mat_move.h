/* Noticing inside the VM, at once, that the VM has just been moved.
 *
 * After an incoming live migration QEMU announces the VM with RARP frames
 * sent from each NIC's MAC.  The destination's bridge floods them to the
 * VM's other NIC, so the VM hears a RARP from one of its own MACs right
 * after it resumes: a signal that needs no help from the hosts and does
 * not wait for the guest kernel's link-state work (which the kernel may
 * defer by up to a second; see linkwatch).
 *
 * The agent then switches to the standby network.  Before its first packet
 * from the standby address it greets that network's router with a Neighbor
 * Solicitation sent from that address: the solicitation carries the NIC's
 * MAC, so the router learns the new address's link-layer address from it
 * (RFC 4861 §7.2.3) and forwards the IMS's answer and the correspondents'
 * packets without resolving the address first.  The socket for that is
 * opened before the move (mat_move_arm), so the greeting is one send. */
#ifndef ROAM_MOBILITY_MAT_MOVE_H
#define ROAM_MOBILITY_MAT_MOVE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "mat_config.h"

typedef struct mat_move mat_move;

/* Watch the n interfaces for RARP frames from any of their MACs.  An
 * interface that does not exist (yet) is skipped; NULL with err only on
 * a real failure (no memory, no CAP_NET_RAW). */
mat_move *mat_move_open(const char (*ifaces)[IF_NAMESIZE], size_t n, char *err, size_t errlen);
void mat_move_close(mat_move *m);

/* The sockets to poll for POLLIN; returns how many were written to p (at
 * most cap). */
size_t mat_move_pollfds(const mat_move *m, struct pollfd *p, size_t cap);

/* Read what is waiting.  Returns 1 when one of our own MACs was
 * announced since the last call, else 0. */
int mat_move_announced(mat_move *m);

/* Prepare the greeting of router gw (link-local) on ifname from source
 * address src.  Already armed for the same three: nothing to do.  0, or
 * -1 with err (then disarmed). */
int mat_move_arm(mat_move *m, const char *ifname, const uint8_t src[16], const uint8_t gw[16],
                 char *err, size_t errlen);
void mat_move_disarm(mat_move *m);
int mat_move_armed(const mat_move *m);

/* Greet the armed router (a Neighbor Solicitation for it).  0, or -1. */
int mat_move_hello(mat_move *m, char *err, size_t errlen);

#endif
