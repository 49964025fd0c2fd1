/* lab/delayline/dl_fifo.h: the bounded FIFO of packets held by the delay
 * line.  Every packet of one queue gets the same delay, so release order is
 * arrival order and a ring of (id, due time) is all the scheduling needed. */
#ifndef ROAM_LAB_DL_FIFO_H
#define ROAM_LAB_DL_FIFO_H

#include <stdint.h>

struct dl_entry {
    uint32_t id;     /* the kernel's packet id in its queue */
    uint64_t due_ns; /* CLOCK_MONOTONIC time at which it may go */
};

struct dl_fifo {
    struct dl_entry *ring;
    uint32_t cap, head, len;
};

/* cap >= 1; returns -1 (errno ENOMEM/EINVAL) on failure. */
int dl_fifo_init(struct dl_fifo *f, uint32_t cap);
void dl_fifo_free(struct dl_fifo *f);
/* 0, or -1 when full (the caller drops the packet and counts it). */
int dl_fifo_push(struct dl_fifo *f, uint32_t id, uint64_t due_ns);
/* The oldest entry, or NULL when empty. */
const struct dl_entry *dl_fifo_peek(const struct dl_fifo *f);
/* Removes every entry due at or before now_ns; returns how many, and the
 * id of the last one in *last_id (valid when the result is > 0). */
uint32_t dl_fifo_pop_due(struct dl_fifo *f, uint64_t now_ns, uint32_t *last_id);

#endif
