/* Single-use admission table (see admission.h).  Used entries stay as
 * tombstones until they expire, so a replayed query is told "already used"
 * rather than "unknown". */
#include "admission.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "deadline.h"
#include "errbuf.h"
#include "ratelimit.h"
#include "wire_limits.h"

struct entry {
    int live;
    int used;       /* taken by an AdmissionQuery (or dropped) */
    int dropped;    /* rolled back: never claimable */
    int claimed;    /* the qemu hook let its migration in */
    int64_t expires_ms;
    uint8_t qid[16];
    char vm[ROAM_NAME_MAX + 1];
    char src[ROAM_NAME_MAX + 1];
    char client[ROAMD_CLIENT_KEY_MAX];   /* "" when added without one */
};

struct roamd_admissions {
    pthread_mutex_t lock;
    pthread_cond_t added;   /* signalled at every new admission and expect_end */
    int64_t lifetime_ms;
    struct entry e[ROAMD_ADMISSIONS_MAX];
    struct expected {
        int64_t expires_ms;   /* 0: free */
        uint8_t qid[16];
    } x[ROAMD_ADMISSIONS_MAX];   /* accept authentications under way */
};

roamd_admissions *roamd_admissions_new(int64_t lifetime_ms)
{
    roamd_admissions *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) {
        free(t);
        return NULL;
    }
    /* Waits are bounded on the monotonic clock, as every other deadline. */
    int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&t->added, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->lifetime_ms = lifetime_ms;
    return t;
}

void roamd_admissions_free(roamd_admissions *t)
{
    if (!t)
        return;
    pthread_cond_destroy(&t->added);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static void expire(roamd_admissions *t, int64_t now_ms)
{
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX; i++)
        if (t->e[i].live && now_ms >= t->e[i].expires_ms)
            memset(&t->e[i], 0, sizeof t->e[i]);
}

static struct entry *find(roamd_admissions *t, const uint8_t qid[16])
{
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX; i++)
        if (t->e[i].live && memcmp(t->e[i].qid, qid, 16) == 0)
            return &t->e[i];
    return NULL;
}

int roamd_admission_add(roamd_admissions *t, const char *vm, const char *src,
                        const uint8_t qid[16], int64_t now_ms, char *err, size_t errlen)
{
    return roamd_admission_add_for(t, "", vm, src, qid, now_ms, err, errlen);
}

static size_t held_by(const roamd_admissions *t, const char *client)
{
    size_t n = 0;
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX; i++)
        n += t->e[i].live && strcmp(t->e[i].client, client) == 0;
    return n;
}

int roamd_admission_add_for(roamd_admissions *t, const char *client, const char *vm,
                            const char *src, const uint8_t qid[16], int64_t now_ms, char *err,
                            size_t errlen)
{
    if (strlen(vm) > ROAM_NAME_MAX || strlen(src) > ROAM_NAME_MAX ||
        strlen(client) >= ROAMD_CLIENT_KEY_MAX)
        return roam_errf(err, errlen, "admission: name too long");
    pthread_mutex_lock(&t->lock);
    expire(t, now_ms);
    int r = -1;
    struct entry *slot = NULL;
    if (find(t, qid)) {
        roam_errf(err, errlen, "admission: query id already admitted");
        goto out;
    }
    if (client[0] && held_by(t, client) >= ROAMD_ADMISSIONS_PER_CLIENT) {
        roam_errf(err, errlen, "too many admissions held by %s (%d live); try again in a minute",
                  client, ROAMD_ADMISSIONS_PER_CLIENT);
        goto out;
    }
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX && !slot; i++)
        if (!t->e[i].live)
            slot = &t->e[i];
    if (!slot) {
        roam_errf(err, errlen, "admission table full (%d live admissions)", ROAMD_ADMISSIONS_MAX);
        goto out;
    }
    slot->live = 1;
    slot->used = 0;
    slot->dropped = 0;
    slot->claimed = 0;
    slot->expires_ms = now_ms + t->lifetime_ms;
    memcpy(slot->qid, qid, 16);
    strcpy(slot->vm, vm);
    strcpy(slot->src, src);
    strcpy(slot->client, client);
    r = 0;
    pthread_cond_broadcast(&t->added);
out:
    pthread_mutex_unlock(&t->lock);
    return r;
}

/* With t->lock held. */
static int take_locked(roamd_admissions *t, const char *vm, const char *src,
                       const uint8_t qid[16], int64_t now_ms, char *err, size_t errlen)
{
    struct entry *e = find(t, qid);
    if (e && now_ms >= e->expires_ms) {
        memset(e, 0, sizeof *e);
        return roam_errf(err, errlen, "admission expired");
    }
    if (!e)
        return roam_errf(err, errlen,
                         "no admission for this query id (never granted, or expired)");
    if (strcmp(e->vm, vm) != 0 || strcmp(e->src, src) != 0)
        return roam_errf(err, errlen, "admission was granted for another VM or source");
    if (e->used)
        return roam_errf(err, errlen, "admission already used");
    e->used = 1;
    return 0;
}

int roamd_admission_take(roamd_admissions *t, const char *vm, const char *src,
                         const uint8_t qid[16], int64_t now_ms, char *err, size_t errlen)
{
    pthread_mutex_lock(&t->lock);
    int r = take_locked(t, vm, src, qid, now_ms, err, errlen);
    pthread_mutex_unlock(&t->lock);
    return r;
}

static struct expected *expected(roamd_admissions *t, const uint8_t qid[16], int64_t now_ms)
{
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX; i++)
        if (t->x[i].expires_ms > now_ms && memcmp(t->x[i].qid, qid, 16) == 0)
            return &t->x[i];
    return NULL;
}

int roamd_admission_expect(roamd_admissions *t, const uint8_t qid[16], int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    struct expected *slot = NULL;
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX && !slot; i++)
        if (t->x[i].expires_ms <= now_ms)
            slot = &t->x[i];
    if (slot) {
        slot->expires_ms = now_ms + t->lifetime_ms;
        memcpy(slot->qid, qid, 16);
        pthread_cond_broadcast(&t->added);   /* a query may wait for it to begin */
    }
    pthread_mutex_unlock(&t->lock);
    return slot ? 0 : -1;
}

void roamd_admission_expect_end(roamd_admissions *t, const uint8_t qid[16])
{
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX; i++)
        if (t->x[i].expires_ms && memcmp(t->x[i].qid, qid, 16) == 0)
            t->x[i].expires_ms = 0;
    pthread_cond_broadcast(&t->added);
    pthread_mutex_unlock(&t->lock);
}

int roamd_admission_take_wait(roamd_admissions *t, const char *vm, const char *src,
                              const uint8_t qid[16], int wait_ms, char *err, size_t errlen)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&t->lock);
    int rc = 0, began = 0;
    /* The client's authentication here may not have begun yet: its
     * connection can be slower than the source's (a longer path, a lost
     * SYN).  So wait while it has not begun, or is under way; once it
     * ended without an admission, the refusal is final at once. */
    while (rc == 0 && !find(t, qid)) {
        if (expected(t, qid, roam_now_ms()))
            began = 1;
        else if (began)
            break;
        rc = pthread_cond_timedwait(&t->added, &t->lock, &until);
    }
    int r = take_locked(t, vm, src, qid, roam_now_ms(), err, errlen);
    pthread_mutex_unlock(&t->lock);
    return r;
}

void roamd_admission_drop(roamd_admissions *t, const uint8_t qid[16])
{
    pthread_mutex_lock(&t->lock);
    struct entry *e = find(t, qid);
    if (e)
        e->used = e->dropped = 1;   /* a tombstone until expiry: "already used" */
    pthread_mutex_unlock(&t->lock);
}

int roamd_admission_claim(roamd_admissions *t, const char *vm, int64_t now_ms, char *src,
                          size_t srccap, uint8_t qid[16], char *err, size_t errlen)
{
    pthread_mutex_lock(&t->lock);
    expire(t, now_ms);
    struct entry *ready = NULL;
    int claimed = 0, untaken = 0;
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX && !ready; i++) {
        struct entry *e = &t->e[i];
        if (!e->live || strcmp(e->vm, vm) != 0)
            continue;
        if (e->used && !e->dropped && !e->claimed)
            ready = e;
        claimed |= e->claimed;
        untaken |= !e->used;
    }
    int r = 0;
    if (ready) {
        ready->claimed = 1;
        if (src && srccap)
            snprintf(src, srccap, "%s", ready->src);
        if (qid)
            memcpy(qid, ready->qid, 16);
    }
    else if (claimed)
        r = roam_errf(err, errlen, "the admission for %s was already used by a migration", vm);
    else if (untaken)
        r = roam_errf(err, errlen, "the admission for %s was not taken by the source's roamd", vm);
    else
        r = roam_errf(err, errlen, "no admission for %s (never granted, expired or rolled back)",
                      vm);
    pthread_mutex_unlock(&t->lock);
    return r;
}

size_t roamd_admission_count(roamd_admissions *t, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    expire(t, now_ms);
    size_t n = 0;
    for (size_t i = 0; i < ROAMD_ADMISSIONS_MAX; i++)
        n += t->e[i].live != 0;
    pthread_mutex_unlock(&t->lock);
    return n;
}
