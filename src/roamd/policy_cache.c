/* Prepared-policy cache (see policy_cache.h). */
#include "policy_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

struct entry {
    char *text;         /* the policy as written */
    char date[11];      /* the day of its expiry clause */
    abe_prepared_t *pp;
    int refs;
    uint64_t used;      /* LRU clock */
};

struct roamd_policy_cache {
    pthread_mutex_t lock;
    uint64_t clock;
    struct entry e[ROAMD_POLICY_CACHE_MAX];
};

roamd_policy_cache *roamd_policy_cache_new(void)
{
    roamd_policy_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void drop(struct entry *e)
{
    if (e->pp) {
        abe_prepared_clear(e->pp);
        free(e->pp);
    }
    free(e->text);
    memset(e, 0, sizeof *e);
}

void roamd_policy_cache_free(roamd_policy_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < ROAMD_POLICY_CACHE_MAX; i++)
        drop(&c->e[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static const abe_prepared_t *lookup(roamd_policy_cache *c, const char *text, const char *date)
{
    for (size_t i = 0; i < ROAMD_POLICY_CACHE_MAX; i++)
        if (c->e[i].text && strcmp(c->e[i].text, text) == 0 &&
            strcmp(c->e[i].date, date) == 0) {
            c->e[i].refs++;
            c->e[i].used = ++c->clock;
            return c->e[i].pp;
        }
    return NULL;
}

const abe_prepared_t *roamd_policy_get(roamd_policy_cache *c, const char *text,
                                       const char *date, char *err, size_t errlen)
{
    if (strlen(date) != 10) {
        roam_errf(err, errlen, "bad date");
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    const abe_prepared_t *hit = lookup(c, text, date);
    pthread_mutex_unlock(&c->lock);
    if (hit)
        return hit;

    /* Prepare outside the lock: it takes milliseconds. */
    abe_prepared_t *pp = calloc(1, sizeof *pp);
    char *copy = strdup(text);
    abe_error_t perr;
    if (!pp || !copy) {
        free(pp);
        free(copy);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    if (abe_prepare_with_expiry(pp, text, strlen(text), date, 1, &perr) != ABE_OK) {
        free(pp);
        free(copy);
        roam_errf(err, errlen, "policy does not compile: %s", perr.msg);
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    hit = lookup(c, text, date);     /* another thread may have won the race */
    struct entry *slot = NULL;
    if (!hit) {
        for (size_t i = 0; i < ROAMD_POLICY_CACHE_MAX; i++) {
            struct entry *e = &c->e[i];
            if (!e->text) {
                slot = e;
                break;
            }
            if (e->refs == 0 && (!slot || e->used < slot->used))
                slot = e;
        }
        if (slot) {
            drop(slot);
            slot->text = copy;
            memcpy(slot->date, date, sizeof slot->date);
            slot->pp = pp;
            slot->refs = 1;
            slot->used = ++c->clock;
            hit = pp;
            pp = NULL;
            copy = NULL;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (!hit) {
        /* Every slot pinned: serve this one uncached (the caller's put
         * frees it, as it belongs to no slot). */
        free(copy);
        return pp;
    }
    if (pp) {
        abe_prepared_clear(pp);
        free(pp);
    }
    free(copy);
    return hit;
}

void roamd_policy_put(roamd_policy_cache *c, const abe_prepared_t *pp)
{
    if (!pp)
        return;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < ROAMD_POLICY_CACHE_MAX; i++)
        if (c->e[i].pp == pp) {
            c->e[i].refs--;
            pthread_mutex_unlock(&c->lock);
            return;
        }
    pthread_mutex_unlock(&c->lock);
    abe_prepared_t *own = (abe_prepared_t *)pp;
    abe_prepared_clear(own);
    free(own);
}
