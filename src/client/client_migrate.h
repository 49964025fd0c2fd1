/* `roam migrate`: the user's whole flow against two roamds — destination
 * authentication, source authentication, then the migration on the source
 * connection with progress — as a library call, so the command stays a
 * thin layer and tests can drive it. */
#ifndef ROAM_CLIENT_MIGRATE_H
#define ROAM_CLIENT_MIGRATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client_auth.h"
#include "msg.h"
#include "report.h"
#include "outcome.h"

#define ROAM_DEFAULT_PORT "7443"

struct roam_migrate_req {
    const char *vm;
    const char *from, *to;      /* HOST[:PORT] as the user wrote them */
    const char *ca_file;        /* CA bundle the daemons' certificates chain to */
    int timeout_ms;             /* per protocol step (handshake, each message) */
    FILE *progress;             /* progress bar here (a terminal), or NULL */
    int dry_run;                /* both authentications and every check, no change */
    uint32_t bandwidth_mibs;    /* libvirt's migration bandwidth cap; 0: its default */
    int locate_wait_s;          /* contact with the source lost: ask both hosts where the
                                   VM runs for up to this long (client_locate.h); 0: don't */
};

struct roam_migrate_result {
    int ok;
    enum roam_outcome outcome;        /* what kind of end (ok when ok) */
    Roam__V1__Phase failed_phase;     /* when !ok */
    uint8_t query_id[16];             /* the query both daemons audit */
    int have_query_id;
    char error[1200];                 /* when !ok: one sentence for the user */
    Roam__V1__PhaseTimings timings;   /* what is known (total measured here) */
    int have_timings;
    struct roam_copy_stats copy;      /* the last memory/disk figures of the migration */
    int have_copy;
    uint8_t locate_src[32], locate_dst[32];  /* the two authentications' locate keys
                                                (secret: roam_client_after_lost_source
                                                wipes them) */
    int have_locate_keys;
};

/* Run it.  Returns 0 when the VM runs on the destination and
 * post-processing succeeded (for a dry run: when every check passed and
 * the VM stayed where it was); -1 otherwise (res says where and why).
 * When it lost the source after Migrate, the caller asks the hosts where
 * the VM runs with roam_client_after_lost_source (client_locate.h). */
int roam_client_migrate(const struct roam_migrate_req *req, const struct roam_client_id *id,
                        struct roam_migrate_result *res);

/* A TLS connection to hostport (the daemon called role in messages), or
 * NULL with *o saying what kind of failure and err the sentence. */
roam_tls_conn *roam_client_dial(roam_tls_ctx *ctx, const char *hostport, const char *role,
                                int timeout_ms, enum roam_outcome *o, char *err, size_t errlen);

#endif
