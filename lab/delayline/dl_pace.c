/* lab/delayline/dl_pace.c: the delay line's bandwidth cap (see dl_pace.h). */
#include "dl_pace.h"

void dl_pace_init(struct dl_pace *p, double rate_mbit)
{
    /* bits per byte / bits per ns = ns per byte */
    p->ns_per_byte = rate_mbit > 0 ? 8.0 * 1000.0 / rate_mbit : 0;
    p->busy_until_ns = 0;
}

uint64_t dl_pace_depart(struct dl_pace *p, uint64_t now_ns, uint32_t len)
{
    if (p->ns_per_byte <= 0)
        return now_ns;
    uint64_t start = p->busy_until_ns > now_ns ? p->busy_until_ns : now_ns;
    p->busy_until_ns = start + (uint64_t)(len * p->ns_per_byte + 0.5);
    return p->busy_until_ns;
}
