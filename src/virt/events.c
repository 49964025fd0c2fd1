/* Lifecycle event watches over libvirt's default event loop (see events.h). */
#include "events.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadline.h"
#include "errbuf.h"
#include "virt.h"

struct roam_virt_watch {
    virConnectPtr conn;
    int callback_id;
    pthread_mutex_t lock;
    pthread_cond_t cond;         /* on CLOCK_MONOTONIC */
    struct roam_virt_event q[ROAM_VIRT_EVENT_QUEUE];
    size_t head, count;
    unsigned long dropped;
};

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;
static int loop_rc = -1;

static void *loop_main(void *arg)
{
    (void)arg;
    for (;;)
        if (virEventRunDefaultImpl() < 0) {
            /* Only fails on internal errors; do not spin on them. */
            struct timespec ts = { 0, 100 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    return NULL;
}

static void loop_start_once(void)
{
    pthread_t th;
    if (roam_virt_init(NULL, 0) < 0 || pthread_create(&th, NULL, loop_main, NULL) != 0)
        return;
    pthread_detach(th);
    loop_rc = 0;
}

int roam_virt_event_loop_start(char *err, size_t errlen)
{
    if (pthread_once(&loop_once, loop_start_once) != 0 || loop_rc != 0)
        return roam_errf(err, errlen, "cannot start the libvirt event loop thread");
    return 0;
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
                        void *opaque)
{
    (void)conn;
    roam_virt_watch *w = opaque;
    const char *name = virDomainGetName(dom);
    if (!name)
        return 0;
    pthread_mutex_lock(&w->lock);
    if (w->count == ROAM_VIRT_EVENT_QUEUE) {   /* keep the newest */
        w->head = (w->head + 1) % ROAM_VIRT_EVENT_QUEUE;
        w->count--;
        w->dropped++;
    }
    struct roam_virt_event *e = &w->q[(w->head + w->count) % ROAM_VIRT_EVENT_QUEUE];
    snprintf(e->domain, sizeof e->domain, "%s", name);
    e->event = event;
    e->detail = detail;
    e->at_ms = roam_now_ms();
    w->count++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return 0;
}

/* libvirt calls this once the callback can no longer run: only then may
 * the watch go away. */
static void free_watch(void *opaque)
{
    roam_virt_watch *w = opaque;
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

roam_virt_watch *roam_virt_watch_lifecycle(virConnectPtr conn, char *err, size_t errlen)
{
    if (roam_virt_event_loop_start(err, errlen) < 0)
        return NULL;
    roam_virt_watch *w = calloc(1, sizeof *w);
    if (!w) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_condattr_t ca;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        roam_errf(err, errlen, "cannot create a mutex");
        return NULL;
    }
    if (pthread_condattr_init(&ca) != 0 ||
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&w->cond, &ca) != 0) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        roam_errf(err, errlen, "cannot create a condition variable");
        return NULL;
    }
    pthread_condattr_destroy(&ca);
    w->conn = conn;
    w->callback_id = virConnectDomainEventRegisterAny(
        conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
        w, free_watch);
    if (w->callback_id < 0) {
        roam_virt_errf(err, errlen, "cannot watch lifecycle events");
        free_watch(w);
        return NULL;
    }
    return w;
}

/* Remove queue entry i (0 = oldest), keeping the others in order. */
static void drop_at(roam_virt_watch *w, size_t i)
{
    for (; i + 1 < w->count; i++)
        w->q[(w->head + i) % ROAM_VIRT_EVENT_QUEUE] = w->q[(w->head + i + 1) % ROAM_VIRT_EVENT_QUEUE];
    w->count--;
}

/* Find the first event for domain matching event/detail, discarding that
 * domain's non-matching events before it.  1 found, 0 not (yet). */
static int take(roam_virt_watch *w, const char *domain, int event, int detail,
                struct roam_virt_event *ev)
{
    size_t i = 0;
    while (i < w->count) {
        const struct roam_virt_event *e = &w->q[(w->head + i) % ROAM_VIRT_EVENT_QUEUE];
        if (domain && strcmp(e->domain, domain) != 0) {
            i++;
            continue;
        }
        int match = (event < 0 || e->event == event) && (detail < 0 || e->detail == detail);
        if (match)
            *ev = *e;
        drop_at(w, i);
        if (match)
            return 1;
    }
    return 0;
}

int roam_virt_watch_wait(roam_virt_watch *w, const char *domain, int event, int detail,
                         int timeout_ms, struct roam_virt_event *ev)
{
    int64_t deadline = roam_deadline(timeout_ms);
    int found = 0;
    pthread_mutex_lock(&w->lock);
    while (!(found = take(w, domain, event, detail, ev))) {
        int left = roam_remaining_ms(deadline);
        if (left == 0)
            break;
        if (left < 0) {
            pthread_cond_wait(&w->cond, &w->lock);
            continue;
        }
        int64_t until = roam_now_ms() + left;
        struct timespec ts = { .tv_sec = until / 1000, .tv_nsec = (until % 1000) * 1000000 };
        int r = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
        if (r != 0 && r != ETIMEDOUT && r != EINTR)
            break;
    }
    pthread_mutex_unlock(&w->lock);
    return found;
}

unsigned long roam_virt_watch_dropped(roam_virt_watch *w)
{
    pthread_mutex_lock(&w->lock);
    unsigned long d = w->dropped;
    pthread_mutex_unlock(&w->lock);
    return d;
}

void roam_virt_watch_free(roam_virt_watch *w)
{
    /* On success libvirt calls free_watch; on failure the callback may still
     * be registered, so leaking the watch is the only safe choice. */
    if (w)
        (void)virConnectDomainEventDeregisterAny(w->conn, w->callback_id);
}

const char *roam_virt_event_name(int event)
{
    switch (event) {
    case VIR_DOMAIN_EVENT_DEFINED: return "defined";
    case VIR_DOMAIN_EVENT_UNDEFINED: return "undefined";
    case VIR_DOMAIN_EVENT_STARTED: return "started";
    case VIR_DOMAIN_EVENT_SUSPENDED: return "suspended";
    case VIR_DOMAIN_EVENT_RESUMED: return "resumed";
    case VIR_DOMAIN_EVENT_STOPPED: return "stopped";
    case VIR_DOMAIN_EVENT_SHUTDOWN: return "shutdown";
    case VIR_DOMAIN_EVENT_PMSUSPENDED: return "pmsuspended";
    case VIR_DOMAIN_EVENT_CRASHED: return "crashed";
    default: return "unknown";
    }
}
