/* One net_msg.h message per SOCK_SEQPACKET datagram, with the file
 * descriptor its type carries (SCM_RIGHTS).  Receiving checks the message
 * and that exactly the expected descriptor came with it: a datagram cut
 * short, stray descriptors or a missing one are refused (and closed). */
#ifndef ROAMD_NET_CHAN_H
#define ROAMD_NET_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "net_msg.h"

/* Send n bytes as one datagram, with fd beside them unless it is -1: what
 * roamd_net_send does once m is encoded (and tests, to send what it would
 * refuse to).  0 or -1. */
int roamd_net_send_bytes(int sock, const uint8_t *p, size_t n, int fd);

/* Send m, with fd when its type carries one (else pass -1).  0 or -1. */
int roamd_net_send(int sock, const struct roamd_net_msg *m, int fd);

/* Receive one message into m (m->chain points into buf, which must hold
 * ROAMD_NET_MSG_MAX bytes) and its descriptor (*fd, -1 if none).  1, 0 at
 * the end of the channel, -1 with err (nothing kept open). */
int roamd_net_recv(int sock, uint8_t *buf, struct roamd_net_msg *m, int *fd, char *err,
                   size_t errlen);

#endif
