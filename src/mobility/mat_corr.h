/* roam-mat on a correspondent: subscribes to its HoAs at the IMS and
 * applies each pushed mapping in one nftables transaction; keeps the last
 * known mappings while the IMS is unreachable and subscribes again when it
 * (or the next front-end) is there, taking the answers to a new
 * subscription as they are, so nothing stale outlives an absence.  A
 * subscription silent for [ims] probe_ms is probed with a Query; no answer
 * within connect_timeout_ms counts as a dead front-end. */
#ifndef ROAM_MOBILITY_MAT_CORR_H
#define ROAM_MOBILITY_MAT_CORR_H

#include <stdint.h>

#include "ims_msg.h"
#include "ims_types.h"
#include "mat_config.h"
#include "mat_conn.h"
#include "mat_rules.h"

typedef struct mat_corr {
    const mat_config *cfg;
    mat_conn *conn;                   /* the agent's IMS connection */
    mat_nft *nft;
    mat_table *table;
    int subscribed;
    uint64_t known_seq[IMS_MAX_SUBSCRIBE];
    int64_t heard_ms;                 /* the IMS's last message (monotonic ms) */
    int64_t probe_ms;                 /* when the outstanding probe went (0: none) */
} mat_corr;

void mat_corr_init(mat_corr *c, const mat_config *cfg, mat_conn *conn, mat_nft *nft,
                   mat_table *table);

/* Before waiting: connect and subscribe unless subscribed. */
void mat_corr_tick(mat_corr *c);

/* A message from the IMS (a pushed mapping, or the answer to a query). */
void mat_corr_message(mat_corr *c, const ims_message *msg);

/* Close the IMS connection (logging why) and back off. */
void mat_corr_conn_failed(mat_corr *c, const char *why);

#endif
