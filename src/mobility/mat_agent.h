/* roam-mat, the mobility agent: one poll loop that keeps roam's nftables
 * table in line with where a HoA is.
 *  - mobile node (inside the VM): watches its interfaces over netlink;
 *    registers every usable global address of an up interface (standby),
 *    one of them active; when the active interface's link goes down it
 *    switches to another's address at once: kernel rules first, then a
 *    signed Register to the IMS over a connection from the new address.
 *  - correspondent: subscribes to HoAs at the IMS and applies each pushed
 *    mapping in one nftables transaction; keeps the last known mappings
 *    while the IMS is unreachable and resubscribes when it is back.
 * The table is re-created on start and removed on exit.
 * The parts: mat_mobile.h (the mobile node, over mat_ifset.h,
 * mat_register.h with mat_dgram.h and mat_presign.h, mat_preopen.h and
 * mat_routes.h), mat_corr.h (the correspondent), mat_conn.h (the IMS
 * connection both use), mat_apply.h (a mapping into the kernel). */
#ifndef ROAM_MOBILITY_MAT_AGENT_H
#define ROAM_MOBILITY_MAT_AGENT_H

#include <stddef.h>

#include "mat_config.h"

typedef struct mat_agent mat_agent;

/* Load keys, open netlink and nftables, install the (empty) table.  NULL
 * with err. */
mat_agent *mat_agent_new(const mat_config *cfg, char *err, size_t errlen);

/* Run until mat_agent_stop.  0, or -1 on a fatal error. */
int mat_agent_run(mat_agent *a, char *err, size_t errlen);

/* Async-signal-safe. */
void mat_agent_stop(mat_agent *a);

/* Remove the table, close everything. */
void mat_agent_free(mat_agent *a);

#endif
