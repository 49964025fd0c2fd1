/* The mobile node's half of the handover (src/net/handover.h): before a
 * move, offer the switch registration signed ahead to the hosts, on the
 * NIC the move will switch to.  The destination's roamd sends it to the
 * IMS when QEMU's announcement shows the VM running there, before the
 * VM's own user space runs again; the registration is the VM's, signed
 * and good for that one switch (its sequence number). */
#ifndef ROAM_MOBILITY_MAT_HANDOVER_H
#define ROAM_MOBILITY_MAT_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

/* Send the handover datagram for registration reg (len bytes) out of dev,
 * from moa (an address on dev) to ff02::1.  ims_fd: the UDP socket
 * connected to the IMS the registration is for (its peer address is what
 * the hosts will send to).  0, or -1 with err. */
int mat_handover_offer(const char *dev, const uint8_t moa[16], int ims_fd, const uint8_t *reg,
                       size_t len, char *err, size_t errlen);

#endif
