/* roam-mat's TLS connection to the IMS: opened from a given source address
 * (the mobile node's active MoA) or any, to the front-end in use ([ims]
 * address, then each [ims] fallback in turn when one stops answering),
 * retried with doubling back-off up to [ims] retry_max_ms once every
 * front-end failed, an outage logged once rather than once per retry. */
#ifndef ROAM_MOBILITY_MAT_CONN_H
#define ROAM_MOBILITY_MAT_CONN_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

#include "ims_client.h"
#include "mat_config.h"
#include "tls.h"

typedef struct mat_conn {
    const mat_config *cfg;
    roam_tls_ctx *tls;
    ims_client *ims;                  /* NULL: not connected */
    char src[INET6_ADDRSTRLEN];       /* source it is bound to ("": any) */
    int64_t retry_at;                 /* monotonic ms; 0 = now */
    int backoff_ms;
    int unreachable;                  /* the last connection attempt failed */
    size_t host;                      /* front-end in use (mat_config_ims_host) */
    size_t failed_in_row;             /* front-ends that failed since one answered */
} mat_conn;

/* One connection attempt from source on dev (NULL: any), blocking for at
 * most [ims] connect_timeout_ms.  NULL with err. */
ims_client *mat_conn_dial(const mat_config *cfg, roam_tls_ctx *tls, const char *source,
                          const char *dev, char *err, size_t errlen);

/* The front-end in use. */
const char *mat_conn_host(const mat_conn *c);

/* The front-end in use stopped answering (or cannot serve): use the next
 * one from now on, at once.  1 if there is another one, 0 if not (then
 * back off as before). */
int mat_conn_next(mat_conn *c, const char *why);

/* Connect to the front-end in use unless a retry is not due yet; a failure
 * moves on to the next front-end at once, and backs off once all of them
 * failed in a row.  0 or -1. */
int mat_conn_open(mat_conn *c, const char *source, const char *dev);

/* Take c as the connection (opened from source before). */
void mat_conn_adopt(mat_conn *c, ims_client *ims, const char *source);

/* Close the connection (logging why).  1 if there was one. */
int mat_conn_close(mat_conn *c, const char *why);

/* The next attempt after a doubled pause. */
void mat_conn_backoff(mat_conn *c);

/* Progress: the next pause starts short again. */
void mat_conn_backoff_reset(mat_conn *c);

/* Try again at once (news the IMS needs now). */
void mat_conn_retry_now(mat_conn *c);

/* Clear the retry time once it has passed. */
void mat_conn_retry_due(mat_conn *c);

#endif
