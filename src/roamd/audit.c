/* Append-only JSON-lines audit log (see audit.h). */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errbuf.h"

/* A line written and waiting for the fsync that covers it. */
struct waiter {
    struct waiter *next;
    int done, err;             /* err: the covering fsync's errno, 0 ok */
};

/* Group commit: lines are written in turn; whoever finds no fsync under
 * way runs one for every line written so far, and each writer returns
 * once the fsync covering its own line is done, with that fsync's result.
 * One fsync then serves many concurrent decisions (an fsync costs
 * milliseconds on a disk: one each, under the lock, would cap the daemon
 * at a few hundred decisions a second, whatever its CPUs). */
struct roamd_audit {
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t synced;
    struct waiter *pending;    /* written, no fsync started for them yet */
    int syncing;
};

roamd_audit *roamd_audit_open(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        roam_errf(err, errlen, "audit log %s: %s", path, strerror(errno));
        return NULL;
    }
    roamd_audit *a = calloc(1, sizeof *a);
    if (!a) {
        close(fd);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    a->fd = fd;
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->synced, NULL);
    return a;
}

void roamd_audit_close(roamd_audit *a)
{
    if (!a)
        return;
    close(a->fd);
    pthread_mutex_destroy(&a->lock);
    pthread_cond_destroy(&a->synced);
    free(a);
}

void roamd_audit_begin(struct roam_json *j, char *buf, size_t cap, const char *event)
{
    struct timespec ts;
    struct tm tm;
    char when[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
    roam_json_init(j, buf, cap);
    roam_json_str(j, "time", when);
    roam_json_str(j, "event", event);
}

int roamd_audit_commit(roamd_audit *a, struct roam_json *j, char *err, size_t errlen)
{
    if (roam_json_finish(j) < 0)
        return roam_errf(err, errlen, "audit entry too long");
    if (j->len + 1 >= j->cap)
        return roam_errf(err, errlen, "audit entry too long");
    j->buf[j->len] = '\n';
    size_t n = j->len + 1;
    pthread_mutex_lock(&a->lock);
    ssize_t w = write(a->fd, j->buf, n);
    int e = errno;
    int r = 0;
    if (w != (ssize_t)n) {
        r = roam_errf(err, errlen, "audit write: %s", w < 0 ? strerror(e) : "short write");
    } else {
        struct waiter me = { .next = a->pending };
        a->pending = &me;
        while (!me.done) {
            if (a->syncing) {
                pthread_cond_wait(&a->synced, &a->lock);
                continue;
            }
            struct waiter *batch = a->pending;
            a->pending = NULL;
            a->syncing = 1;
            pthread_mutex_unlock(&a->lock);
            int rc = fsync(a->fd) < 0 ? errno : 0;
            pthread_mutex_lock(&a->lock);
            /* The nodes live on their writers' stacks; each writer reads its
             * own only after taking the lock back from us. */
            for (struct waiter *x = batch, *next; x; x = next) {
                next = x->next;
                x->err = rc;
                x->done = 1;
            }
            a->syncing = 0;
            pthread_cond_broadcast(&a->synced);
        }
        if (me.err)
            r = roam_errf(err, errlen, "audit fsync: %s", strerror(me.err));
    }
    pthread_mutex_unlock(&a->lock);
    j->buf[j->len] = '\0';
    return r;
}
