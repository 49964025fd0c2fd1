/* roam-mat on the mobile node (see mat_mobile.h). */
#define _GNU_SOURCE
#include "mat_mobile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "deadline.h"
#include "errbuf.h"
#include "mat_apply.h"
#include "log.h"

/* A switch on QEMU's announcement stands if the IMS acknowledges it from
 * the new network within this time (the datagram's retransmissions fit). */
#define ANNOUNCED_CONFIRM_MS 1500
/* After a switch the rule update waits this long: the rules hold what the
 * switch needs already (mat_rules.h), and rewriting them costs the VM's
 * CPU just when the first packets through the new network want it. */
#define SWITCH_SETTLE_MS 500

void mat_mobile_conn_failed(mat_mobile *m, const char *why)
{
    mat_register_conn_failed(&m->reg, &m->want, why);
}

void mat_mobile_message(mat_mobile *m, const ims_message *msg)
{
    mat_register_message(&m->reg, &m->want, msg);
}

/* The NIC named after the interface holding address moa, or NULL. */
static const mat_if *nic_of(const mat_mobile *m, const uint8_t moa[IMS_ADDR_LEN],
                            const char **dev)
{
    char s[INET6_ADDRSTRLEN];
    *dev = mat_ifset_dev_of(&m->ifs, ims_addr_str(moa, s, sizeof s));
    for (size_t i = 0; *dev && i < m->cfg->n_ifaces; i++)
        if (strcmp(m->cfg->ifaces[i], *dev) == 0)
            return &m->ifs.ifs[i];
    return NULL;
}

/* Our default route follows the active NIC. */
static void steer_default_route(mat_mobile *m)
{
    int act = ims_mapping_active(&m->want);
    const char *dev = NULL;
    const mat_if *f = act >= 0 ? nic_of(m, m->want.b[act].moa, &dev) : NULL;
    mat_routes_default(&m->routes, dev, f);
}

/* The rules for want: every registered MoA in, and out the source for
 * the active NIC and for the NIC a switch would move to. */
static void mn_apply(mat_mobile *m)
{
    mat_source src[2];
    size_t n = 0;
    int i = mat_ifset_active(&m->ifs, &m->want), act = ims_mapping_active(&m->want);
    if (i >= 0) {
        memcpy(src[n].dev, m->cfg->ifaces[i], IF_NAMESIZE);
        memcpy(src[n++].moa, m->want.b[act].moa, IMS_ADDR_LEN);
    }
    ims_mapping w;
    if (mat_ifset_predict(&m->ifs, &m->want, &w) == 0) {
        int k = ims_mapping_active(&w);
        char s[INET6_ADDRSTRLEN];
        const char *dev = mat_ifset_dev_of(&m->ifs, ims_addr_str(w.b[k].moa, s, sizeof s));
        if (dev && (i < 0 || strcmp(dev, m->cfg->ifaces[i]) != 0)) {
            snprintf(src[n].dev, IF_NAMESIZE, "%s", dev);
            memcpy(src[n++].moa, w.b[k].moa, IMS_ADDR_LEN);
        }
    }
    char err[ROAM_ERR_MAX];
    if (mat_table_set_sources(m->table, m->want.hoa, src, n, err, sizeof err) < 0)
        roam_log("translation sources NOT updated: %s", err);
    if (mat_table_set_standby(m->table, n == 2 ? src[1].dev : NULL, err, sizeof err) < 0)
        roam_log("standby NIC NOT updated: %s", err);
    mat_apply(m->nft, m->table, &m->want);
}

/* The NICs changed: register what should be now.  On a switch the IMS
 * message goes first: the correspondents' rules are what the interruption
 * waits for.  Then the route, which alone moves our traffic (the rules
 * hold each NIC's source already); the rule update after it only prepares
 * the next switch. */
static void mn_update(mat_mobile *m)
{
    ims_mapping w;
    mat_ifset_want(&m->ifs, &m->want, &w);
    if (ims_mapping_same_bindings(&w, &m->want))
        return;
    int was = ims_mapping_active(&m->want), now = ims_mapping_active(&w);
    char o[INET6_ADDRSTRLEN] = "none", n[INET6_ADDRSTRLEN] = "none";
    if (was >= 0)
        ims_addr_str(m->want.b[was].moa, o, sizeof o);
    if (now >= 0)
        ims_addr_str(w.b[now].moa, n, sizeof n);
    int switched = strcmp(o, n) != 0;
    if (switched)
        roam_log("active mobile address %s (was %s)", n, o);
    m->want = w;
    m->want.seq = 0;
    mat_register_changed(&m->reg, switched);
    if (switched) {
        mat_register_send(&m->reg, &m->want);
        steer_default_route(m);
        m->apply_at = roam_now_ms() + SWITCH_SETTLE_MS;
    }
    if (!m->apply_at)
        mn_apply(m);
}

/* ---- what the next switch needs ---- */

/* Keep the hello to the router of the network a switch would move to
 * ready (mat_move_arm), from the address the switch would make active,
 * and replies to peers heard there steered through it. */
static void mn_arm(mat_mobile *m, const ims_mapping *next)
{
    const uint8_t *succ = next ? next->b[ims_mapping_active(next)].moa : NULL;
    int i = succ ? mat_ifset_holder(&m->ifs, succ) : -1;
    const mat_if *f = i >= 0 ? &m->ifs.ifs[i] : NULL;
    if (!f || !f->have_gw) {
        mat_move_disarm(m->move);
        mat_routes_steer(&m->routes, NULL);
        return;
    }
    char err[ROAM_ERR_MAX];
    if (mat_move_arm(m->move, m->cfg->ifaces[i], succ, f->gw, err, sizeof err) < 0)
        roam_debug("router hello not prepared: %s", err);
    mat_routes_steer(&m->routes, f);
}

/* The successor address as text ("" if none). */
static void successor_src(const mat_mobile *m, char src[INET6_ADDRSTRLEN])
{
    const uint8_t *succ = mat_ifset_successor(&m->ifs, &m->want);
    src[0] = '\0';
    if (succ)
        ims_addr_str(succ, src, INET6_ADDRSTRLEN);
}

/* Keep a connection open from the successor address. */
static void mn_preopen(mat_mobile *m)
{
    char src[INET6_ADDRSTRLEN];
    successor_src(m, src);
    mat_preopen_keep(&m->preopen, src, src[0] ? mat_ifset_dev_of(&m->ifs, src) : NULL,
                     m->conn->ims != NULL);
}

/* ---- a switch on QEMU's announcement ---- */

/* QEMU announced this VM: it runs on another host now, normally the one
 * whose network the successor address (from the RA delivered before the
 * move) belongs to.  Switch at once, without waiting for the host to link
 * the old NIC down: the signed registration from the new address reaches
 * the IMS only if that network really is attached, so its acknowledgement
 * confirms the switch, and no acknowledgement undoes it (mn_confirm). */
static void on_announced(mat_mobile *m)
{
    int from = mat_ifset_active(&m->ifs, &m->want);
    if (m->reg.confirm_by || from < 0 || !mat_move_armed(m->move)) {
        roam_debug("announced after a move; %s", m->reg.confirm_by ? "switched already"
                                                                   : "no standby network");
        return;
    }
    char err[ROAM_ERR_MAX];
    /* The router learns the new address's MAC from this before the IMS's
     * answer and the correspondents' packets come. */
    if (mat_move_hello(m->move, err, sizeof err) < 0)
        roam_debug("router hello: %s", err);
    /* Then at once the registration signed ahead, before any bookkeeping
     * (the registration takes it over as the datagram in flight). */
    int ahead = mat_register_send_ahead(&m->reg);
    m->ifs.ifs[from].gone = 1;
    mn_update(m);
    if (mat_ifset_active(&m->ifs, &m->want) == from) {   /* nowhere else to go after all */
        m->ifs.ifs[from].gone = 0;
        return;
    }
    m->moved_from = (size_t)from;
    m->reg.confirm_by = roam_now_ms() + ANNOUNCED_CONFIRM_MS;
    roam_log("announced on another host: left %s's network (registration %s)",
            m->cfg->ifaces[from], ahead ? "signed ahead" : "signed at the switch");
}

/* A switch on an announcement that the IMS has not acknowledged in time
 * is undone: the old network is still the one there (or the IMS is away,
 * and the host's link-down will settle it). */
static void mn_confirm(mat_mobile *m)
{
    if (!m->reg.confirm_by)
        return;
    mat_if *f = &m->ifs.ifs[m->moved_from];
    if (!f->gone || ims_mapping_same_bindings(&m->reg.acked, &m->want)) {
        m->reg.confirm_by = 0;   /* acknowledged, or the link state took over */
        return;
    }
    if (roam_now_ms() < m->reg.confirm_by)
        return;
    m->reg.confirm_by = 0;
    int tried = mat_ifset_active(&m->ifs, &m->want);
    if (tried >= 0)
        m->ifs.ifs[tried].gone = 1;   /* its network did not answer (until its link changes) */
    f->gone = 0;
    roam_log("no acknowledgement through the standby network: back to %s",
            m->cfg->ifaces[m->moved_from]);
    mn_update(m);
    steer_default_route(m);
}

/* ---- the agent's loop ---- */

void mat_mobile_tick(mat_mobile *m)
{
    mat_register_timer(&m->reg);
    mn_confirm(m);
    if (m->apply_at && roam_now_ms() >= m->apply_at) {
        m->apply_at = 0;
        mn_apply(m);
    }
    mat_register_send(&m->reg, &m->want);
    ims_mapping next;
    int foreseen = mat_ifset_predict(&m->ifs, &m->want, &next) == 0;
    mat_register_presign(&m->reg, foreseen ? &next : NULL);
    mn_arm(m, foreseen ? &next : NULL);
    mn_preopen(m);
    mat_register_overdue(&m->reg, &m->want);
}

void mat_mobile_due(const mat_mobile *m, int64_t *due)
{
    mat_register_due(&m->reg, due);
    if (m->apply_at && (!*due || m->apply_at < *due))
        *due = m->apply_at;
}

int mat_mobile_pollfds(mat_mobile *m, struct pollfd *p)
{
    int n = 0;
    m->at_nl = n;
    p[n++] = (struct pollfd){ .fd = mat_nl_fd(m->nl), .events = POLLIN };
    m->at_pre = n;
    m->n_pre = mat_preopen_pollfds(&m->preopen, &p[n]);
    n += m->n_pre;
    m->at_dg = -1;
    if (m->reg.dg.fd >= 0) {
        m->at_dg = n;
        p[n++] = (struct pollfd){ .fd = m->reg.dg.fd, .events = POLLIN };
    }
    m->at_chal = -1;
    if (m->reg.chal_fd >= 0) {
        m->at_chal = n;
        p[n++] = (struct pollfd){ .fd = m->reg.chal_fd, .events = POLLIN };
    }
    m->at_move = n;
    m->n_move = (int)mat_move_pollfds(m->move, &p[n], MAT_MAX_IFACES + 1);
    n += m->n_move;
    return n;
}

static int polled(const struct pollfd *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i].revents)
            return 1;
    return 0;
}

int mat_mobile_events(mat_mobile *m, const struct pollfd *p, char *err, size_t errlen)
{
    /* First: after a move every millisecond until the switch counts. */
    if (polled(&p[m->at_move], m->n_move) && mat_move_announced(m->move))
        on_announced(m);
    if (p[m->at_nl].revents) {
        if (mat_nl_read(m->nl, mat_ifset_events(&m->ifs), err, errlen) < 0)
            return -1;
        mn_update(m);
        steer_default_route(m);
    }
    char src[INET6_ADDRSTRLEN];
    successor_src(m, src);
    mat_preopen_events(&m->preopen, &p[m->at_pre], m->n_pre, src);
    if (m->at_chal >= 0 && p[m->at_chal].revents)
        mat_register_challenge_event(&m->reg);
    if (m->at_dg >= 0 && m->reg.dg.fd >= 0 && p[m->at_dg].revents)
        mat_register_dgram_event(&m->reg, &m->want);
    return 0;
}

/* ---- start and end ---- */

/* The IMS talks to the mobile node's MoA directly: never translate it. */
static void add_bypass(mat_table *t, const uint8_t addr[16])
{
    for (size_t i = 0; i < t->n_bypass; i++)
        if (memcmp(t->bypass[i], addr, IMS_ADDR_LEN) == 0)
            return;
    if (t->n_bypass < MAT_MAX_BYPASS)
        memcpy(t->bypass[t->n_bypass++], addr, IMS_ADDR_LEN);
}

/* Every IMS front-end ([ims] address and fallback). */
static int bypass_ims(mat_mobile *m, char *err, size_t errlen)
{
    for (size_t i = 0; i < mat_config_ims_hosts(m->cfg); i++) {
        const char *host = mat_config_ims_host(m->cfg, i);
        struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_STREAM }, *res;
        int rc = getaddrinfo(host, NULL, &hints, &res);
        if (rc != 0)
            return roam_errf(err, errlen, "cannot resolve IMS %s: %s", host, gai_strerror(rc));
        for (struct addrinfo *r = res; r; r = r->ai_next)
            add_bypass(m->table, ((struct sockaddr_in6 *)r->ai_addr)->sin6_addr.s6_addr);
        freeaddrinfo(res);
    }
    for (size_t i = 0; i < m->cfg->n_bypass; i++)
        add_bypass(m->table, m->cfg->bypass[i]);
    return 0;
}

int mat_mobile_init(mat_mobile *m, const mat_config *cfg, mat_conn *conn, mat_nft *nft,
                    mat_table *table, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->cfg = cfg;
    m->conn = conn;
    m->nft = nft;
    m->table = table;
    mat_ifset_init(&m->ifs, cfg);
    if (mat_preopen_init(&m->preopen, cfg, conn->tls) < 0)
        return roam_errf(err, errlen, "pipe: %s", strerror(errno));
    m->reg_open = 1;
    if (mat_register_init(&m->reg, cfg, conn, &m->ifs, &m->preopen, err, errlen) < 0 ||
        bypass_ims(m, err, errlen) < 0 || !(m->nl = mat_nl_open(err, errlen)) ||
        mat_nl_add_addr(m->nl, cfg->hoa_device, cfg->hoa, err, errlen) < 0 ||
        !(m->move = mat_move_open(cfg->ifaces, cfg->n_ifaces, err, errlen)))
        return -1;
    memcpy(m->want.hoa, cfg->hoa, IMS_ADDR_LEN);
    mat_nic_tune(&m->nic, cfg);
    m->nic_tuned = 1;
    mat_routes_init(&m->routes, m->nl);
    return 0;
}

int mat_mobile_start(mat_mobile *m, char *err, size_t errlen)
{
    if (mat_nl_dump(m->nl, mat_ifset_events(&m->ifs), err, errlen) < 0)
        return -1;
    mn_update(m);
    steer_default_route(m);
    return 0;
}

void mat_mobile_free(mat_mobile *m)
{
    mat_preopen_free(&m->preopen);
    if (m->reg_open)
        mat_register_free(&m->reg);
    mat_routes_remove(&m->routes);
    if (m->nic_tuned)
        mat_nic_untune(&m->nic);
    mat_nl_close(m->nl);
    mat_move_close(m->move);
}
