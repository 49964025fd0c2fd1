/* lab/delayline/dl_fifo.c: the delay line's ring of held packets (see
 * dl_fifo.h). */
#include "dl_fifo.h"

#include <errno.h>
#include <stdlib.h>

int dl_fifo_init(struct dl_fifo *f, uint32_t cap)
{
    f->head = f->len = 0;
    f->cap = cap;
    f->ring = NULL;
    if (cap == 0) {
        errno = EINVAL;
        return -1;
    }
    f->ring = calloc(cap, sizeof(*f->ring));
    return f->ring ? 0 : -1;
}

void dl_fifo_free(struct dl_fifo *f)
{
    free(f->ring);
    f->ring = NULL;
    f->cap = f->len = f->head = 0;
}

int dl_fifo_push(struct dl_fifo *f, uint32_t id, uint64_t due_ns)
{
    if (f->len == f->cap)
        return -1;
    uint32_t tail = (uint32_t)(((uint64_t)f->head + f->len) % f->cap);
    f->ring[tail].id = id;
    f->ring[tail].due_ns = due_ns;
    f->len++;
    return 0;
}

const struct dl_entry *dl_fifo_peek(const struct dl_fifo *f)
{
    return f->len ? &f->ring[f->head] : NULL;
}

uint32_t dl_fifo_pop_due(struct dl_fifo *f, uint64_t now_ns, uint32_t *last_id)
{
    uint32_t n = 0;
    while (f->len && f->ring[f->head].due_ns <= now_ns) {
        *last_id = f->ring[f->head].id;
        f->head = f->head + 1 == f->cap ? 0 : f->head + 1;
        f->len--;
        n++;
    }
    return n;
}
