/* Two-thread parallel loop (par.h) on POSIX threads: both threads take the
 * next item from a shared atomic counter until the items run out.
 *
 * The helper thread is created once and sleeps between loops: waking it
 * costs a fraction of creating a thread (about 5-10 us against 20-40 us on
 * the development VM), and a KEM round runs five loops.  A loop that finds
 * the helper busy (a loop on another thread, or one nested in an item)
 * creates a thread of its own instead.  After fork() the child starts a
 * new helper when it first needs one. */
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

/* ---- the resident helper (all fields under mu) ---- */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    int started, atfork, busy;  /* busy: a loop owns the helper */
    loop_t *job;                /* posted, not yet taken */
    int finished, rc;           /* the helper is done with the owner's loop */
} res = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
         0, 0, 0, NULL, 0, 0};

static void *resident_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&res.mu);
    for (;;) {
        while (res.job == NULL)
            pthread_cond_wait(&res.wake, &res.mu);
        loop_t *l = res.job;
        res.job = NULL;
        pthread_mutex_unlock(&res.mu);
        int rc = take_items(l);
        pthread_mutex_lock(&res.mu);
        res.rc = rc;
        res.finished = 1;
        pthread_cond_signal(&res.done);
    }
    return NULL;
}

/* fork() copies only the calling thread: the child has no helper, and
 * the condition variables may remember the parent's waiter. */
static void fork_prepare(void) { pthread_mutex_lock(&res.mu); }
static void fork_parent(void) { pthread_mutex_unlock(&res.mu); }
static void fork_child(void)
{
    pthread_cond_init(&res.wake, NULL);
    pthread_cond_init(&res.done, NULL);
    res.started = res.busy = res.finished = 0;
    res.job = NULL;
    pthread_mutex_unlock(&res.mu);
}

/* Hands l to the helper (starting it if needed); 0 if it is busy or cannot
 * be started. */
static int post(loop_t *l)
{
    int ok = 0;
    pthread_mutex_lock(&res.mu);
    if (!res.started) {
        pthread_attr_t attr;
        pthread_t th;
        if (!res.atfork)
            res.atfork = pthread_atfork(fork_prepare, fork_parent, fork_child) == 0;
        if (res.atfork && pthread_attr_init(&attr) == 0) {
            if (pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                pthread_create(&th, &attr, resident_main, NULL) == 0)
                res.started = 1;
            pthread_attr_destroy(&attr);
        }
    }
    if (res.started && !res.busy) {
        res.busy = 1;
        res.finished = 0;
        res.job = l;
        pthread_cond_signal(&res.wake);
        ok = 1;
    }
    pthread_mutex_unlock(&res.mu);
    return ok;
}

/* Waits until the helper is done with the posted loop (at once if it never
 * took it) and releases it; the helper's result. */
static int collect(void)
{
    pthread_mutex_lock(&res.mu);
    if (res.job != NULL) {
        res.job = NULL;   /* every item is done: nothing left to take */
        res.finished = 1;
        res.rc = 0;
    }
    while (!res.finished)
        pthread_cond_wait(&res.done, &res.mu);
    int rc = res.rc;
    res.busy = 0;
    pthread_mutex_unlock(&res.mu);
    return rc;
}

/* ---- a thread of its own, when the helper is busy ---- */
typedef struct {
    loop_t *loop;
    int rc;
} own_t;

static void *run_own(void *arg)
{
    own_t *o = arg;
    o->rc = take_items(o->loop);
    return NULL;
}

static int single_threaded(void)
{
    const char *v = getenv("ROAM_ABE_THREADS");
    return v != NULL && strcmp(v, "1") == 0;
}

int abe_par_for2(size_t n, size_t min_n, int (*fn)(void *ctx, size_t from, size_t to), void *ctx)
{
    if (n < min_n || n < 2 || single_threaded())
        return fn(ctx, 0, n);
    loop_t loop = {fn, ctx, n, 0, 0};
    if (post(&loop)) {
        int rc = take_items(&loop);
        int hrc = collect();
        return rc != 0 ? rc : hrc;
    }
    own_t own = {&loop, 0};
    pthread_t th;
    if (pthread_create(&th, NULL, run_own, &own) != 0)
        return take_items(&loop);
    int rc = take_items(&loop);
    if (pthread_join(th, NULL) != 0)
        return -1;   /* cannot happen for a joinable thread we created */
    return rc != 0 ? rc : own.rc;
}
