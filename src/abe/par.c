/* Two-thread parallel loop (par.h) on POSIX threads: both threads take the
 * next item from a shared atomic counter until the items run out. */
#include "par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int (*fn)(void *, size_t, size_t);
    void *ctx;
    size_t n;
    atomic_size_t next;
    atomic_int failed;
} loop_t;

/* The items one thread takes; its first failure's result, or 0. */
static int take_items(loop_t *l)
{
    for (;;) {
        if (atomic_load_explicit(&l->failed, memory_order_relaxed))
            return 0;
        size_t k = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
        if (k >= l->n)
            return 0;
        int rc = l->fn(l->ctx, k, k + 1);
        if (rc != 0) {
            atomic_store_explicit(&l->failed, 1, memory_order_relaxed);
            return rc;
        }
    }
}

typedef struct {
    loop_t *loop;
    int rc;
} helper_t;

static void *run_helper(void *arg)
{
    helper_t *h = arg;
    h->rc = take_items(h->loop);
    return NULL;
}

static int single_threaded(void)
{
    const char *v = getenv("ROAM_ABE_THREADS");
    return v != NULL && strcmp(v, "1") == 0;
}

int par_for2(size_t n, size_t min_n, int (*fn)(void *ctx, size_t from, size_t to), void *ctx)
{
    if (n < min_n || n < 2 || single_threaded())
        return fn(ctx, 0, n);
    loop_t loop = {fn, ctx, n, 0, 0};
    helper_t helper = {&loop, 0};
    pthread_t th;
    if (pthread_create(&th, NULL, run_helper, &helper) != 0)
        return fn(ctx, 0, n);
    int rc = take_items(&loop);
    if (pthread_join(th, NULL) != 0)
        return -1;   /* cannot happen for a joinable thread we created */
    return rc != 0 ? rc : helper.rc;
}
