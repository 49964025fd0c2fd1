/* Two-way parallel loop (par.h) on POSIX threads. */
#include "par.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int (*fn)(void *, size_t, size_t);
    void *ctx;
    size_t from, to;
    int rc;
} half_t;

static void *run_half(void *arg)
{
    half_t *h = arg;
    h->rc = h->fn(h->ctx, h->from, h->to);
    return NULL;
}

static int single_threaded(void)
{
    const char *v = getenv("ROAM_ABE_THREADS");
    return v != NULL && strcmp(v, "1") == 0;
}

int par_for2_at(size_t n, size_t split, size_t min_n,
                int (*fn)(void *ctx, size_t from, size_t to), void *ctx)
{
    half_t first = {fn, ctx, 0, split, 0};
    pthread_t th;
    if (n < min_n || n < 2 || split == 0 || split >= n || single_threaded() ||
        pthread_create(&th, NULL, run_half, &first) != 0)
        return fn(ctx, 0, n);
    int rc = fn(ctx, split, n);
    if (pthread_join(th, NULL) != 0)
        return -1;   /* cannot happen for a joinable thread we created */
    return first.rc != 0 ? first.rc : rc;
}

int par_for2(size_t n, size_t min_n, int (*fn)(void *ctx, size_t from, size_t to), void *ctx)
{
    return par_for2_at(n, n / 2, min_n, fn, ctx);
}
