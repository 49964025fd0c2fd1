/* The etcd backend's change feed: a thread that keeps one etcd watch open
 * on the HoA key range and queues every change for the server loop, which
 * takes them when an eventfd says so.  When its member stops answering
 * (connection lost, or a linearizable probe fails after a quiet spell) it
 * moves to the next member and resumes just after the last revision it
 * delivered, so no change is skipped.  If etcd compacted that history
 * away, it resumes from the current revision and tells the reader to
 * re-read (resync), and logs that it did. */
#ifndef ROAM_MOBILITY_IMS_ETCD_WATCH_H
#define ROAM_MOBILITY_IMS_ETCD_WATCH_H

#include <stddef.h>

#include "ims_etcd_http.h"
#include "ims_types.h"

/* Changes queued before the reader must re-read instead. */
#define ETCD_WATCH_QUEUE 1024
/* A quiet watch probes its member this often. */
#define ETCD_WATCH_PROBE_MS 2000

typedef struct etcd_watch etcd_watch;

/* Watch [key, end) (base64) from the current revision on; prefix is the
 * store's key prefix (ims_etcd_rec.h).  NULL with err. */
etcd_watch *etcd_watch_start(const ims_etcd_config *cfg, const char *prefix, const char *key,
                             const char *end, char *err, size_t errlen);

/* Stop the thread and free everything (NULL is fine). */
void etcd_watch_stop(etcd_watch *w);

/* Readable while changes are queued (or a resync is due). */
int etcd_watch_fd(const etcd_watch *w);

/* Take up to max queued changes, oldest first.  *resync: changes were lost
 * since the last call. */
size_t etcd_watch_take(etcd_watch *w, ims_change *out, size_t max, int *resync);

#endif
