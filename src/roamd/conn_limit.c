/* Per-listener connection pools with per-source caps (see conn_limit.h). */
#include "conn_limit.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source {
    uint8_t key[ROAMD_SOURCE_KEY_LEN];
    int startups, sessions;
};

struct roamd_pool {
    struct roamd_pool_limits l;
    pthread_mutex_t lock;
    int startups, sessions;
    int nsrc, cap;            /* sources with a connection; table size */
    struct source *src;
};

roamd_pool *roamd_pool_new(const struct roamd_pool_limits *l)
{
    roamd_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->l = *l;
    /* At most full + sessions connections, so never more sources. */
    p->cap = l->startups.full + l->sessions;
    p->src = calloc((size_t)p->cap, sizeof *p->src);
    if (!p->src) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void roamd_pool_free(roamd_pool *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->lock);
    free(p->src);
    free(p);
}

void roamd_source_key(const struct sockaddr *sa, uint8_t key[ROAMD_SOURCE_KEY_LEN])
{
    static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
    memset(key, 0, ROAMD_SOURCE_KEY_LEN);
    if (sa->sa_family == AF_INET) {
        memcpy(key, v4mapped, sizeof v4mapped);
        memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        /* One host owns a whole /64 (SLAAC, privacy addresses): count the
         * /64, or a single host could take every slot. */
        memcpy(key, a, memcmp(a, v4mapped, sizeof v4mapped) == 0 ? 16 : 8);
    }
}

static struct source *find(roamd_pool *p, const uint8_t *key)
{
    for (int i = 0; i < p->nsrc; i++)
        if (memcmp(p->src[i].key, key, ROAMD_SOURCE_KEY_LEN) == 0)
            return &p->src[i];
    return NULL;
}

static void forget_if_unused(roamd_pool *p, struct source *s)
{
    if (s->startups || s->sessions)
        return;
    *s = p->src[--p->nsrc];
}

/* Random early drop between start and full: rate % at start, rising
 * linearly to 100 % at full (OpenSSH's MaxStartups). */
static int early_drop(const struct roamd_startups *m, int startups, uint32_t rnd)
{
    if (startups >= m->full)
        return 1;
    if (startups < m->start)
        return 0;
    int span = m->full - m->start;
    int pct = m->rate + (span ? (100 - m->rate) * (startups - m->start) / span : 0);
    return (int)(rnd % 100) < pct;
}

int roamd_pool_admit(roamd_pool *p, const uint8_t key[ROAMD_SOURCE_KEY_LEN], uint32_t rnd,
                     const char **why)
{
    int r = -1;
    pthread_mutex_lock(&p->lock);
    struct source *s = find(p, key);
    int mine = s ? s->startups + (p->l.per_source_sessions ? s->sessions : 0) : 0;
    if (mine >= p->l.per_source)
        *why = "too many connections from this source";
    else if (early_drop(&p->l.startups, p->startups, rnd))
        *why = "too many handshakes under way";
    else if (!s && p->nsrc == p->cap)
        *why = "too many connections";
    else {
        if (!s) {
            s = &p->src[p->nsrc++];
            memcpy(s->key, key, ROAMD_SOURCE_KEY_LEN);
            s->startups = s->sessions = 0;
        }
        s->startups++;
        p->startups++;
        r = 0;
    }
    pthread_mutex_unlock(&p->lock);
    return r;
}

int roamd_pool_promote(roamd_pool *p, const uint8_t key[ROAMD_SOURCE_KEY_LEN])
{
    int r = -1;
    pthread_mutex_lock(&p->lock);
    struct source *s = find(p, key);
    if (s && s->startups > 0 && p->sessions < p->l.sessions) {
        s->startups--;
        s->sessions++;
        p->startups--;
        p->sessions++;
        r = 0;
    }
    pthread_mutex_unlock(&p->lock);
    return r;
}

void roamd_pool_release(roamd_pool *p, const uint8_t key[ROAMD_SOURCE_KEY_LEN], int session)
{
    pthread_mutex_lock(&p->lock);
    struct source *s = find(p, key);
    if (s && session && s->sessions > 0) {
        s->sessions--;
        p->sessions--;
    } else if (s && !session && s->startups > 0) {
        s->startups--;
        p->startups--;
    }
    if (s)
        forget_if_unused(p, s);
    pthread_mutex_unlock(&p->lock);
}

void roamd_pool_counts(roamd_pool *p, int *startups, int *sessions)
{
    pthread_mutex_lock(&p->lock);
    *startups = p->startups;
    *sessions = p->sessions;
    pthread_mutex_unlock(&p->lock);
}

int roamd_startups_parse(const char *text, struct roamd_startups *out)
{
    int a, b, c, n = 0;
    char tail;
    if (sscanf(text, "%d:%d:%d%n%c", &a, &b, &c, &n, &tail) == 3 && n > 0 && !text[n]) {
        out->start = a;
        out->rate = b;
        out->full = c;
    } else if (sscanf(text, "%d%n%c", &a, &n, &tail) == 1 && n > 0 && !text[n]) {
        out->start = out->full = a;
        out->rate = 100;
    } else {
        return -1;
    }
    if (out->start < 1 || out->start > out->full || out->full > 4096 || out->rate < 1 ||
        out->rate > 100)
        return -1;
    return 0;
}
