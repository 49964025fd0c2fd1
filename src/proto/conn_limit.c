/* Per-listener connection pools with per-source caps (see conn_limit.h). */
#include "conn_limit.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "errbuf.h"

struct source {
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    int startups, sessions;
};

struct roam_pool {
    struct roam_pool_limits l;
    pthread_mutex_t lock;
    int startups, sessions;
    int nsrc, cap;            /* sources with a connection; table size */
    struct source *src;
};

roam_pool *roam_pool_new(const struct roam_pool_limits *l)
{
    roam_pool *p = calloc(1, sizeof *p);
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

void roam_pool_free(roam_pool *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->lock);
    free(p->src);
    free(p);
}

void roam_source_key(const struct sockaddr *sa, uint8_t key[ROAM_SOURCE_KEY_LEN])
{
    static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
    memset(key, 0, ROAM_SOURCE_KEY_LEN);
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

static struct source *find(roam_pool *p, const uint8_t *key)
{
    for (int i = 0; i < p->nsrc; i++)
        if (memcmp(p->src[i].key, key, ROAM_SOURCE_KEY_LEN) == 0)
            return &p->src[i];
    return NULL;
}

static void forget_if_unused(roam_pool *p, struct source *s)
{
    if (s->startups || s->sessions)
        return;
    *s = p->src[--p->nsrc];
}

/* Random early drop between start and full: rate % at start, rising
 * linearly to 100 % at full (OpenSSH's MaxStartups). */
int roam_startups_drop_pct(const struct roam_startups *m, int startups)
{
    if (startups >= m->full)
        return 100;
    if (startups < m->start)
        return 0;
    int span = m->full - m->start;
    return m->rate + (span ? (100 - m->rate) * (startups - m->start) / span : 0);
}

static int early_drop(const struct roam_startups *m, int startups)
{
    int pct = roam_startups_drop_pct(m, startups);
    if (pct == 0 || pct == 100)
        return pct == 100;
    uint32_t r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
        r = (uint32_t)random();
    return (int)(r % 100) < pct;
}

int roam_pool_admit(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN], const char **why)
{
    int r = -1;
    pthread_mutex_lock(&p->lock);
    struct source *s = find(p, key);
    int mine = s ? s->startups + (p->l.per_source_sessions ? s->sessions : 0) : 0;
    if (mine >= p->l.per_source)
        *why = "too many connections from this source";
    else if (early_drop(&p->l.startups, p->startups))
        *why = "too many handshakes under way";
    else if (!s && p->nsrc == p->cap)
        *why = "too many connections";
    else {
        if (!s) {
            s = &p->src[p->nsrc++];
            memcpy(s->key, key, ROAM_SOURCE_KEY_LEN);
            s->startups = s->sessions = 0;
        }
        s->startups++;
        p->startups++;
        r = 0;
    }
    pthread_mutex_unlock(&p->lock);
    return r;
}

int roam_pool_promote(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN])
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

void roam_pool_release(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN], int session)
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

int roam_pool_source_count(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN])
{
    pthread_mutex_lock(&p->lock);
    struct source *s = find(p, key);
    int n = s ? s->startups + (p->l.per_source_sessions ? s->sessions : 0) : 0;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void roam_pool_counts(roam_pool *p, int *startups, int *sessions)
{
    pthread_mutex_lock(&p->lock);
    *startups = p->startups;
    *sessions = p->sessions;
    pthread_mutex_unlock(&p->lock);
}

int roam_startups_parse(const char *text, struct roam_startups *out, char *why, size_t whylen)
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
        n = -1;
    }
    if (n < 0 || out->start < 1 || out->start > out->full || out->full > 4096 ||
        out->rate < 1 || out->rate > 100)
        return roam_errf(why, whylen, "'%s' is not START:RATE:FULL (1 <= START <= FULL <= "
                         "4096, RATE in 1..100) or a number", text);
    return 0;
}
