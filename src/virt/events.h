/* libvirt domain lifecycle events, queued for a waiting thread.  The
 * destination daemon waits for its incoming VM's "resumed" (migrated) event
 * to time the switch-over; tests wait for suspend/resume.
 *
 * libvirt delivers events from its default event loop, which roam runs in
 * one background thread per process (started on first use, runs until the
 * process exits). */
#ifndef ROAM_VIRT_EVENTS_H
#define ROAM_VIRT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#define ROAM_VIRT_EVENT_QUEUE 64   /* older events are dropped past this */

struct roam_virt_event {
    char domain[256];   /* domain name */
    int event;          /* virDomainEventType: VIR_DOMAIN_EVENT_RESUMED, ... */
    int detail;         /* e.g. VIR_DOMAIN_EVENT_RESUMED_MIGRATED */
    int64_t at_ms;      /* CLOCK_MONOTONIC ms when libvirt delivered it */
};

typedef struct roam_virt_watch roam_virt_watch;

/* Start the event loop thread (idempotent).  0 or -1. */
int roam_virt_event_loop_start(char *err, size_t errlen);

/* Watch lifecycle events of every domain on conn.  libvirt allows one such
 * registration per connection, so make one watch per connection and share
 * it: waiters pick their own domain's events out of the common queue.
 * NULL with err on failure (e.g. a second watch on the same connection). */
roam_virt_watch *roam_virt_watch_lifecycle(virConnectPtr conn, char *err, size_t errlen);

/* Wait up to timeout_ms (< 0: forever) for the next event of the domain
 * named `domain` (NULL: any) matching event (-1: any) and detail (-1: any).
 * The domain need not exist yet (an incoming migration's VM appears by
 * name).  That domain's earlier, non-matching events are discarded; other
 * domains' events stay queued for their own waiters.  Several threads may
 * wait at once.  Returns 1 with *ev filled, 0 on timeout. */
int roam_virt_watch_wait(roam_virt_watch *w, const char *domain, int event, int detail,
                         int timeout_ms, struct roam_virt_event *ev);

/* Events dropped because nobody consumed them in time. */
unsigned long roam_virt_watch_dropped(roam_virt_watch *w);

/* Stop watching.  Call before closing the connection. */
void roam_virt_watch_free(roam_virt_watch *w);

/* "started", "resumed", ... for logs. */
const char *roam_virt_event_name(int event);

#endif
