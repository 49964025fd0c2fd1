/* roam-load's latency histogram (load.h). */
#include "load.h"

void hist_add(struct hist *h, int64_t us)
{
    int64_t b = us < 0 ? 0 : us / 100;
    h->n[b < HIST_BUCKETS - 1 ? b : HIST_BUCKETS - 1]++;
    h->count++;
}

void hist_merge(struct hist *into, const struct hist *from)
{
    for (int i = 0; i < HIST_BUCKETS; i++)
        into->n[i] += from->n[i];
    into->count += from->count;
}

double hist_quantile_ms(const struct hist *h, double q)
{
    if (!h->count)
        return -1;
    uint64_t want = (uint64_t)(q * (double)(h->count - 1)) + 1, seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->n[i];
        if (seen >= want)
            return (i + 0.5) / 10.0;   /* the bucket's middle */
    }
    return (HIST_BUCKETS - 1) / 10.0;
}
