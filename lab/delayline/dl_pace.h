/* lab/delayline/dl_pace.h: the optional bandwidth cap of the delay line.  A
 * queue behaves as one link of a fixed rate: a packet leaves when the link
 * has finished sending the packets before it, then travels for the delay. */
#ifndef ROAM_LAB_DL_PACE_H
#define ROAM_LAB_DL_PACE_H

#include <stdint.h>

struct dl_pace {
    double ns_per_byte;     /* 0: no cap */
    uint64_t busy_until_ns; /* when the link is free again */
};

/* rate_mbit <= 0 means no cap. */
void dl_pace_init(struct dl_pace *p, double rate_mbit);
/* When a packet of len bytes arriving at now_ns has left the link. */
uint64_t dl_pace_depart(struct dl_pace *p, uint64_t now_ns, uint32_t len);

#endif
