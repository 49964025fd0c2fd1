/* roam-mat's default and steering routes (see mat_routes.h). */
#include "mat_routes.h"

#include <arpa/inet.h>
#include <string.h>

#include "errbuf.h"
#include "log.h"

void mat_routes_init(mat_routes *r, mat_nl *nl)
{
    memset(r, 0, sizeof *r);
    r->nl = nl;
    /* A predecessor's rule and route first go, then the rule comes back
     * (the route follows the standby NIC, mat_routes_steer). */
    char why[ROAM_ERR_MAX];
    if (mat_nl_steer_route(nl, 0, NULL, why, sizeof why) < 0 ||
        mat_nl_steer_rule(nl, 0, why, sizeof why) < 0 ||
        mat_nl_steer_rule(nl, 1, why, sizeof why) < 0)
        roam_log("warning: replies are not steered to the standby NIC: %s", why);
    else
        r->steer_rule = 1;
}

/* Replies leave by the active NIC.  Each NIC learns a default router from
 * RAs, also the standby NIC from the destination's RA injected before the
 * move, whose router is unreachable until then; with two equal RA default
 * routes the kernel may pick that one.  Hence a route of roam-mat's own. */
void mat_routes_default(mat_routes *r, const char *dev, const mat_if *f)
{
    if (!f || !f->have_gw || !f->up)
        return;   /* keep what is there until the active NIC has a router */
    if (r->route_if == f->index && memcmp(r->route_gw, f->gw, IMS_ADDR_LEN) == 0)
        return;
    char err[ROAM_ERR_MAX], g[INET6_ADDRSTRLEN];
    if (mat_nl_default_route(r->nl, f->index, f->gw, err, sizeof err) < 0) {
        roam_log("default route via %s not set: %s", dev, err);
        return;
    }
    r->route_if = f->index;
    memcpy(r->route_gw, f->gw, IMS_ADDR_LEN);
    roam_log("default route via %s dev %s", ims_addr_str(f->gw, g, sizeof g), dev);
}

void mat_routes_steer(mat_routes *r, const mat_if *f)
{
    char err[ROAM_ERR_MAX];
    if (!r->steer_rule)
        return;
    if (!f) {
        if (r->steer_if && mat_nl_steer_route(r->nl, 0, NULL, err, sizeof err) < 0)
            roam_debug("steering route not removed: %s", err);
        r->steer_if = 0;
        return;
    }
    if (r->steer_if == f->index && memcmp(r->steer_gw, f->gw, IMS_ADDR_LEN) == 0)
        return;
    if (mat_nl_steer_route(r->nl, f->index, f->gw, err, sizeof err) < 0) {
        roam_debug("steering route not set: %s", err);
        return;
    }
    r->steer_if = f->index;
    memcpy(r->steer_gw, f->gw, IMS_ADDR_LEN);
}

void mat_routes_remove(mat_routes *r)
{
    char err[ROAM_ERR_MAX];
    if (!r->nl)
        return;
    if (r->route_if && mat_nl_default_route(r->nl, 0, NULL, err, sizeof err) < 0)
        roam_log("roam-mat's default route not removed: %s", err);
    if (r->steer_rule && (mat_nl_steer_route(r->nl, 0, NULL, err, sizeof err) < 0 ||
                          mat_nl_steer_rule(r->nl, 0, err, sizeof err) < 0))
        roam_log("roam-mat's steering rule or route not removed: %s", err);
}
