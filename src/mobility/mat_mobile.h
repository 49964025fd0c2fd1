/* roam-mat on the mobile node (inside the VM): registers every usable
 * global address of an up NIC (mat_ifset.h), one of them active; when the
 * active NIC's network goes (link down, or QEMU announcing the VM on
 * another host) it switches to another's address at once: the signed
 * registration first (mat_register.h), then its default route
 * (mat_routes.h), then the translation rules; and it keeps ready what the
 * next switch needs (a registration signed ahead, a connection pre-opened
 * from the new address, mat_preopen.h, the hello to the new router). */
#ifndef ROAM_MOBILITY_MAT_MOBILE_H
#define ROAM_MOBILITY_MAT_MOBILE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "ims_msg.h"
#include "ims_types.h"
#include "mat_config.h"
#include "mat_conn.h"
#include "mat_ifset.h"
#include "mat_move.h"
#include "mat_netlink.h"
#include "mat_nic.h"
#include "mat_preopen.h"
#include "mat_register.h"
#include "mat_routes.h"
#include "mat_rules.h"

/* Descriptors mat_mobile_pollfds adds at most. */
#define MAT_MOBILE_POLLFDS (5 + MAT_MAX_IFACES + 1)

typedef struct mat_mobile {
    const mat_config *cfg;
    mat_conn *conn;                   /* the agent's IMS connection */
    mat_nft *nft;
    mat_table *table;
    mat_nl *nl;
    mat_nic_tuning nic;               /* per-NIC kernel settings, put back on exit */
    int nic_tuned;
    mat_ifset ifs;
    mat_routes routes;
    mat_preopen preopen;
    mat_register reg;
    mat_move *move;
    ims_mapping want;                 /* what the table holds and the IMS should */
    size_t moved_from;                /* the NIC a switch on trial left (reg.confirm_by) */
    int64_t apply_at;                 /* rules due then (monotonic ms; 0: applied) */
    int reg_open;                     /* mat_register_init ran */
    /* where mat_mobile_pollfds put each descriptor (-1: not polled) */
    int at_nl, at_pre, n_pre, at_dg, at_move, n_move, at_chal;
} mat_mobile;

/* Load the key, open netlink and the move watcher, add the HoA, tune the
 * NICs, steer replies; table gets the IMS's bypass entries.  Before the
 * table is installed.  0, or -1 with err (mat_mobile_free cleans up). */
int mat_mobile_init(mat_mobile *m, const mat_config *cfg, mat_conn *conn, mat_nft *nft,
                    mat_table *table, char *err, size_t errlen);

/* Read the NICs' state and register.  After the table is installed. */
int mat_mobile_start(mat_mobile *m, char *err, size_t errlen);

/* The work due before waiting: timers, registration, what the next switch
 * needs ready. */
void mat_mobile_tick(mat_mobile *m);

/* Monotonic ms of the next timer, lowered into *due (0: none yet). */
void mat_mobile_due(const mat_mobile *m, int64_t *due);

/* Add the descriptors to poll at p (room for MAT_MOBILE_POLLFDS); how many. */
int mat_mobile_pollfds(mat_mobile *m, struct pollfd *p);

/* Handle what poll reported on them; the announcement first.  0, or -1
 * with err (netlink failed). */
int mat_mobile_events(mat_mobile *m, const struct pollfd *p, char *err, size_t errlen);

/* A message from the IMS (an answer to a registration). */
void mat_mobile_message(mat_mobile *m, const ims_message *msg);

/* Close the IMS connection (logging why) and back off. */
void mat_mobile_conn_failed(mat_mobile *m, const char *why);

/* Put the NICs and routes back, close everything. */
void mat_mobile_free(mat_mobile *m);

#endif
