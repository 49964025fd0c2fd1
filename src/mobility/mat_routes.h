/* The routes roam-mat keeps on the mobile node: its own default route
 * (metric 1) through the active NIC's router, and the steering table that
 * sends replies to peers heard on the standby NIC back through it
 * (mat_rules.h marks them).  Each is rewritten only when its NIC or router
 * changes, and removed on exit. */
#ifndef ROAM_MOBILITY_MAT_ROUTES_H
#define ROAM_MOBILITY_MAT_ROUTES_H

#include "ims_types.h"
#include "mat_ifset.h"
#include "mat_netlink.h"

typedef struct mat_routes {
    mat_nl *nl;
    int route_if;                     /* where the default route points (0: none) */
    uint8_t route_gw[IMS_ADDR_LEN];
    int steer_if;                     /* the same for the steering table */
    uint8_t steer_gw[IMS_ADDR_LEN];
    int steer_rule;                   /* its ip rule is in place */
} mat_routes;

/* Clear what a predecessor left and put the steering rule in place (a
 * warning if that fails: replies are then not steered). */
void mat_routes_init(mat_routes *r, mat_nl *nl);

/* Point the default route at f's router (f is the NIC named dev).  Kept as
 * it is while f has no router or is down. */
void mat_routes_default(mat_routes *r, const char *dev, const mat_if *f);

/* Point the steering table at f's router, or empty it (f NULL). */
void mat_routes_steer(mat_routes *r, const mat_if *f);

/* Remove both (on exit). */
void mat_routes_remove(mat_routes *r);

#endif
