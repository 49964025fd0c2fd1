/* Token buckets per client address (see ratelimit.h). */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
    char addr[ROAMD_CLIENT_KEY_MAX];
    double tokens;
    int64_t last_ms;
};

struct roamd_ratelimit {
    pthread_mutex_t lock;
    double per_minute;
    size_t n;
    struct bucket b[ROAMD_RATE_ADDRS];
};

roamd_ratelimit *roamd_ratelimit_new(int per_minute)
{
    roamd_ratelimit *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->per_minute = per_minute;
    return r;
}

void roamd_ratelimit_free(roamd_ratelimit *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* An IPv6 client by its /64: one subscriber usually holds a whole /64, and
 * a new address in it costs nothing. */
void roamd_client_key(const char *addr, char key[ROAMD_CLIENT_KEY_MAX])
{
    struct in6_addr a;
    char p[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, addr, &a) == 1 && !IN6_IS_ADDR_V4MAPPED(&a)) {
        memset(a.s6_addr + 8, 0, 8);
        inet_ntop(AF_INET6, &a, p, sizeof p);
        snprintf(key, ROAMD_CLIENT_KEY_MAX, "%s/64", p);
    } else
        snprintf(key, ROAMD_CLIENT_KEY_MAX, "%s", addr);
}

int roamd_ratelimit_allow(roamd_ratelimit *r, const char *client, int64_t now_ms)
{
    char addr[ROAMD_CLIENT_KEY_MAX];
    roamd_client_key(client, addr);
    pthread_mutex_lock(&r->lock);
    struct bucket *b = NULL, *lru = NULL;
    for (size_t i = 0; i < r->n; i++) {
        if (strncmp(r->b[i].addr, addr, sizeof r->b[i].addr - 1) == 0) {
            b = &r->b[i];
            break;
        }
        if (!lru || r->b[i].last_ms < lru->last_ms)
            lru = &r->b[i];
    }
    if (!b) {
        b = r->n < ROAMD_RATE_ADDRS ? &r->b[r->n++] : lru;
        memset(b, 0, sizeof *b);
        memcpy(b->addr, addr, sizeof b->addr);
        b->tokens = r->per_minute;
        b->last_ms = now_ms;
    }
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * r->per_minute / 60000.0;
        if (b->tokens > r->per_minute)
            b->tokens = r->per_minute;
    }
    b->last_ms = now_ms;
    int ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    pthread_mutex_unlock(&r->lock);
    return ok;
}
