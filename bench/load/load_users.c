/* roam-load's legitimate users (load.h): each one a thread that, until the
 * end, opens a connection from its own loopback source and runs one full
 * authentication on it (TCP, TLS 1.3 handshake, Authenticate, Challenge
 * decapsulated with the user key, Response, Result) with src/client's code,
 * as a dry run so that no admission is recorded and the daemon's tables
 * never fill, then closes it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "client_auth.h"
#include "deadline.h"
#include "load.h"

struct user {
    struct users *u;
    int i;
    struct hist hist;
    pthread_t t;
};

static struct user *all;

static void failed(struct users *u, enum fail_kind k, int64_t at_ms, const char *why)
{
    atomic_fetch_add(&u->fails[k], 1);
    int64_t s = (at_ms - u->t0_ms) / 1000;
    if (s >= 0 && s < LOAD_MAX_SECONDS)
        atomic_fetch_add(&u->series->fail[s], 1);
    int no = 0;
    if (atomic_compare_exchange_strong(&u->have_error, &no, 1))
        snprintf(u->first_error, sizeof u->first_error, "%s", why);
}

/* One authentication; its latency goes to the histogram when it succeeds. */
static void one(struct user *me)
{
    struct users *u = me->u;
    char err[512];
    int64_t t0 = roam_now_ms();
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int fd = load_tcp_from(u->host, u->port, u->src_base, me->i, 0);
    if (fd < 0) {
        failed(u, FAIL_CONNECT, t0, "TCP connect failed");
        return;
    }
    roam_tls_conn *c = roam_tls_connect(u->ctx, fd, u->host, u->timeout_ms, err, sizeof err);
    if (!c) {
        failed(u, FAIL_TLS, t0, err);
        return;
    }
    struct roam_client_id id = { .mpk = u->mpk, .key = u->key };
    struct roam_auth_req req = { .role = ROAM__V1__ROLE__ROLE_ACCEPT, .vm = u->vm,
                                 .src = u->host, .dst = u->dst, .dry_run = 1 };
    if (RAND_bytes(req.query_id, sizeof req.query_id) != 1) {
        roam_tls_close(c, 0);
        failed(u, FAIL_PROTOCOL, t0, "RAND_bytes failed");
        return;
    }
    int r = roam_client_authenticate(c, &id, &req, u->timeout_ms, err, sizeof err);
    roam_tls_close(c, 100);
    if (r != 0) {
        failed(u, r == ROAM_AUTH_REFUSED ? FAIL_REFUSED : FAIL_PROTOCOL, t0, err);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    hist_add(&me->hist, (b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000);
    int64_t s = (t0 - u->t0_ms) / 1000;
    if (s >= 0 && s < LOAD_MAX_SECONDS)
        atomic_fetch_add(&u->series->ok[s], 1);
}

static void *run(void *arg)
{
    struct user *me = arg;
    while (!atomic_load(&me->u->stop) && roam_now_ms() < me->u->end_ms)
        one(me);
    return NULL;
}

int users_start(struct users *u)
{
    all = calloc((size_t)u->n, sizeof *all);
    u->hist = calloc(1, sizeof *u->hist);
    if (!all || !u->hist)
        return -1;
    for (int i = 0; i < u->n; i++) {
        all[i].u = u;
        all[i].i = i;
        if (pthread_create(&all[i].t, NULL, run, &all[i]) != 0) {
            atomic_store(&u->stop, 1);
            for (int k = 0; k < i; k++)
                pthread_join(all[k].t, NULL);
            return -1;
        }
    }
    return 0;
}

void users_join(struct users *u)
{
    for (int i = 0; i < u->n; i++) {
        pthread_join(all[i].t, NULL);
        hist_merge(u->hist, &all[i].hist);
    }
    free(all);
    all = NULL;
}
