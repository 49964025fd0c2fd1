/* The roam-mat agent loop (see mat_agent.h). */
#define _GNU_SOURCE
#include "mat_agent.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "ims_client.h"
#include "ims_dgram.h"
#include "ims_sign.h"
#include "mat_handover.h"
#include "mat_nic.h"
#include "mat_move.h"
#include "mat_netlink.h"
#include "mat_rules.h"
#include "mob_log.h"

#define ADDRS_PER_IF 8
#define ANSWER_TIMEOUT_MS 5000
/* Registration datagrams: first retransmission after 20 ms, doubling; after
 * the sixth send goes unanswered (1.26 s in all) TLS takes over. */
#define DGRAM_FIRST_MS 20
#define DGRAM_SENDS 6
/* A switch on QEMU's announcement stands if the IMS acknowledges it from
 * the new network within this time (the datagram's retransmissions fit). */
#define ANNOUNCED_CONFIRM_MS 1500
/* After a switch the rule update waits this long: the rules hold what the
 * switch needs already (mat_rules.h), and rewriting them costs the VM's
 * CPU just when the first packets through the new network want it. */
#define SWITCH_SETTLE_MS 500

typedef struct mn_if {
    int index;                  /* 0: not seen yet */
    int up;
    int gone;                   /* link up, but its network is not there (moved away, or no answer) */
    int have_gw;                /* a default router learned on this NIC (RA or static) */
    uint8_t gw[IMS_ADDR_LEN];
    size_t n;
    uint8_t addr[ADDRS_PER_IF][IMS_ADDR_LEN];
} mn_if;

struct mat_agent {
    mat_config cfg;
    int stop_fd;
    mat_nft *nft;
    mat_table table;
    roam_tls_ctx *tls;
    ims_client *ims;
    char ims_src[INET6_ADDRSTRLEN];   /* source the IMS connection is bound to */
    ims_client *next;                 /* mobile node: pre-opened from the successor address */
    char next_src[INET6_ADDRSTRLEN];
    /* The pre-opening runs on a thread: before a migration the successor
     * address is often unreachable (a prefix injected from the destination)
     * and a blocking connect would stall link events for its timeout. */
    int preopen_pipe[2];
    pthread_t preopen_thread;
    int preopen_busy;
    char preopen_src[INET6_ADDRSTRLEN], preopen_dev[IF_NAMESIZE];
    int64_t retry_at;                 /* monotonic ms; 0 = now */
    int backoff_ms;
    int unreachable;                  /* the last connection attempt failed */
    int64_t next_retry_at;
    int route_if;                     /* where roam-mat's default route points (0: none) */
    uint8_t route_gw[IMS_ADDR_LEN];
    int steer_if;                     /* the same for replies steered to the standby NIC */
    uint8_t steer_gw[IMS_ADDR_LEN];
    int steer_rule;                   /* its ip rule is in place */
    uint8_t left_prefix[8];           /* /64 of the address the last switch left */
    int have_left;
    /* mobile node */
    EVP_PKEY *key;
    mat_nl *nl;
    mat_nic_tuning nic;               /* per-NIC kernel settings, put back on exit */
    int nic_tuned;
    mn_if ifs[MAT_MAX_IFACES];
    ims_mapping want;                 /* what the table holds and the IMS should */
    ims_mapping acked;                /* what the IMS acknowledged */
    int dirty;                        /* want != what was last sent */
    uint64_t pending_id, last_seq;
    ims_mapping pending;
    int64_t pending_since, switch_at;
    /* registration datagrams ([ims] ack_pubkey) */
    int use_dgram;
    uint8_t ims_pub[IMS_PUBKEY_LEN];  /* signs the IMS's datagram acks */
    int dg_fd;                        /* -1: no datagram in flight */
    uint8_t dg_buf[IMS_DGRAM_MAX];
    size_t dg_len;
    ims_mapping dg_pending;
    int64_t dg_since, dg_next;
    int dg_interval, dg_sends;
    int dg_fallback;                  /* datagrams went unanswered: TLS until it acks */
    /* The registration a switch will send, signed ahead: signing is the
     * slowest step of a switch in a busy (or emulated) VM. */
    ims_mapping pre_map;
    uint64_t pre_seq;
    uint8_t pre_buf[IMS_DGRAM_MAX];
    size_t pre_len;                   /* 0: none */
    int pre_fd;                       /* its socket, bound and connected already (-1: none) */
    int64_t pre_sent_at;              /* sent already (on an announcement) at; 0: not */
    /* move detection (mat_move.h) */
    mat_move *move;
    size_t moved_from;                /* the NIC an announcement switched away from */
    int64_t moved_confirm_by;         /* 0: no switch awaiting its acknowledgement */
    int64_t apply_at;                 /* rules due then (monotonic ms; 0: applied) */
    /* correspondent */
    int subscribed;
    uint64_t known_seq[IMS_MAX_SUBSCRIBE];
};

/* ---- shared ---- */

static void drop_ims(mat_agent *a, const char *why)
{
    if (!a->ims)
        return;
    mob_log("IMS connection closed: %s", why);
    ims_client_close(a->ims);
    a->ims = NULL;
    a->pending_id = 0;
    a->subscribed = 0;
    if (a->cfg.role == MAT_MOBILE && memcmp(&a->acked, &a->want, sizeof a->want) != 0)
        a->dirty = 1;
}

static void backoff(mat_agent *a)
{
    a->backoff_ms = a->backoff_ms ? a->backoff_ms * 2 : 200;
    if (a->backoff_ms > a->cfg.retry_max_ms)
        a->backoff_ms = a->cfg.retry_max_ms;
    a->retry_at = roam_now_ms() + a->backoff_ms;
}

/* Name of the managed interface holding address text s, or NULL. */
static const char *iface_of(const mat_agent *a, const char *s)
{
    uint8_t addr[IMS_ADDR_LEN];
    if (ims_addr_parse(s, addr) < 0)
        return NULL;
    for (size_t i = 0; i < a->cfg.n_ifaces; i++)
        for (size_t j = 0; j < a->ifs[i].n; j++)
            if (memcmp(a->ifs[i].addr[j], addr, IMS_ADDR_LEN) == 0)
                return a->cfg.ifaces[i];
    return NULL;
}

/* Open an IMS connection from source (NULL: any) into *slot. */
static int open_ims(mat_agent *a, const char *source, ims_client **slot, char *src_out)
{
    char err[ROAM_ERR_MAX];
    const char *name = a->cfg.ims_server_name[0] ? a->cfg.ims_server_name : NULL;
    *slot = ims_client_connect(a->tls, a->cfg.ims_address, a->cfg.ims_port, name, source,
                               source ? iface_of(a, source) : NULL,
                               a->cfg.connect_timeout_ms, err, sizeof err);
    if (!*slot) {
        if (!a->unreachable)   /* once per outage, not once per retry */
            mob_log("cannot reach the IMS (retrying): %s", err);
        else
            mob_debug("cannot reach the IMS: %s", err);
        a->unreachable = 1;
        return -1;
    }
    a->unreachable = 0;
    snprintf(src_out, INET6_ADDRSTRLEN, "%s", source ? source : "");
    mob_log("connected to the IMS%s%s", source ? " from " : "", source ? source : "");
    return 0;
}

static int connect_ims(mat_agent *a, const char *source)
{
    if (a->retry_at && roam_now_ms() < a->retry_at)
        return -1;
    if (open_ims(a, source, &a->ims, a->ims_src) < 0) {
        backoff(a);
        return -1;
    }
    return 0;
}

static int apply_table(mat_agent *a, const ims_mapping *m)
{
    char err[ROAM_ERR_MAX];
    int64_t t0 = roam_now_ms();
    if (mat_table_set(&a->table, m, err, sizeof err) < 0 ||
        mat_rules_update(a->nft, &a->table, err, sizeof err) < 0) {
        mob_log("translation rules NOT updated: %s", err);
        return -1;
    }
    char h[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN] = "none";
    int act = ims_mapping_active(m);
    if (act >= 0)
        ims_addr_str(m->b[act].moa, s, sizeof s);
    mob_log("rules: %s -> %s (%zu address(es)), nft transaction %lld ms",
            ims_addr_str(m->hoa, h, sizeof h), s, m->n, (long long)(roam_now_ms() - t0));
    return 0;
}

/* ---- mobile node ---- */

static mn_if *iface_by_index(mat_agent *a, int index)
{
    for (size_t i = 0; i < a->cfg.n_ifaces; i++)
        if (a->ifs[i].index == index && index)
            return &a->ifs[i];
    return NULL;
}

static void on_link(void *arg, int index, const char *name, int up)
{
    mat_agent *a = arg;
    for (size_t i = 0; i < a->cfg.n_ifaces; i++)
        if (strcmp(a->cfg.ifaces[i], name) == 0) {
            if (a->ifs[i].up != up || a->ifs[i].index != index)
                mob_log("link %s %s", name, up ? "up" : "down");
            if (up && !a->ifs[i].up)
                a->have_left = 0;   /* attached somewhere (again): the old verdict is stale */
            if (up != a->ifs[i].up)   /* link states speak for themselves again */
                for (size_t k = 0; k < a->cfg.n_ifaces; k++)
                    a->ifs[k].gone = 0;
            a->ifs[i].index = index;
            a->ifs[i].up = up;
        }
}

static void on_addr(void *arg, int index, const uint8_t addr[16], int present, int usable)
{
    mat_agent *a = arg;
    mn_if *f = iface_by_index(a, index);
    if (!f || memcmp(addr, a->cfg.hoa, IMS_ADDR_LEN) == 0 ||
        ims_addr_check(addr, "address", NULL, 0) < 0)
        return;
    /* An address keeps its place while it stays usable: every RA refreshes
     * its lifetimes (an event each time), and a new order would mean a new
     * registration, rules and signed switch for nothing. */
    int keep = present && usable;
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (memcmp(f->addr[i], addr, IMS_ADDR_LEN) == 0) {
            if (!keep)
                continue;
            keep = 2;   /* listed already */
        }
        if (k != i)
            memcpy(f->addr[k], f->addr[i], IMS_ADDR_LEN);
        k++;
    }
    f->n = k;
    if (keep == 1 && f->n < ADDRS_PER_IF)
        memcpy(f->addr[f->n++], addr, IMS_ADDR_LEN);
}

static void on_route(void *arg, int index, const uint8_t gw[16], int present)
{
    mat_agent *a = arg;
    mn_if *f = iface_by_index(a, index);
    if (!f)
        return;
    if (present && !f->have_gw) {
        memcpy(f->gw, gw, IMS_ADDR_LEN);
        f->have_gw = 1;
    } else if (!present && f->have_gw && memcmp(f->gw, gw, IMS_ADDR_LEN) == 0) {
        f->have_gw = 0;
    }
}

/* Replies leave by the active NIC.  Each NIC learns a default router from
 * RAs, also the standby NIC from the destination's RA injected before the
 * move, whose router is unreachable until then; with two equal RA default
 * routes the kernel may pick that one.  So roam-mat keeps its own default
 * route (metric 1) through the active NIC's router. */
static void steer_default_route(mat_agent *a)
{
    int act = ims_mapping_active(&a->want);
    const char *name = NULL;
    char s[INET6_ADDRSTRLEN];
    if (act >= 0)
        name = iface_of(a, ims_addr_str(a->want.b[act].moa, s, sizeof s));
    const mn_if *f = NULL;
    for (size_t i = 0; name && i < a->cfg.n_ifaces; i++)
        if (strcmp(a->cfg.ifaces[i], name) == 0)
            f = &a->ifs[i];
    if (!f || !f->have_gw || !f->up)
        return;   /* keep what is there until the active NIC has a router */
    if (a->route_if == f->index && memcmp(a->route_gw, f->gw, IMS_ADDR_LEN) == 0)
        return;
    char err[ROAM_ERR_MAX], g[INET6_ADDRSTRLEN];
    if (mat_nl_default_route(a->nl, f->index, f->gw, err, sizeof err) < 0) {
        mob_log("default route via %s not set: %s", name, err);
        return;
    }
    a->route_if = f->index;
    memcpy(a->route_gw, f->gw, IMS_ADDR_LEN);
    mob_log("default route via %s dev %s", ims_addr_str(f->gw, g, sizeof g), name);
}

/* On the network the VM is on: link up, and not left by a move. */
static int attached(const mn_if *f)
{
    return f->up && !f->gone;
}

static int addr_live(const mat_agent *a, const uint8_t addr[16])
{
    for (size_t i = 0; i < a->cfg.n_ifaces; i++)
        if (attached(&a->ifs[i]))
            for (size_t j = 0; j < a->ifs[i].n; j++)
                if (memcmp(a->ifs[i].addr[j], addr, IMS_ADDR_LEN) == 0)
                    return 1;
    return 0;
}

/* Usable for registration: on an up interface, and not in the /64 that the
 * last switch left (after a migration the secondary NIC may still hold an
 * address from the source provider's RAs, useless at the destination). */
static int candidate(const mat_agent *a, size_t i, size_t j)
{
    return attached(&a->ifs[i]) &&
           !(a->have_left && memcmp(a->ifs[i].addr[j], a->left_prefix, 8) == 0);
}

/* What should be registered now: every candidate address; the active one
 * kept while it lives, else the first candidate outside the active one's
 * /64 (the network whose link just died), else any candidate. */
static void compute_want(mat_agent *a, ims_mapping *w)
{
    memset(w, 0, sizeof *w);
    memcpy(w->hoa, a->cfg.hoa, IMS_ADDR_LEN);
    int cur = ims_mapping_active(&a->want);
    const uint8_t *active = cur >= 0 && addr_live(a, a->want.b[cur].moa) ? a->want.b[cur].moa
                                                                         : NULL;
    if (!active && cur >= 0) {   /* a switch: leave the old network behind */
        memcpy(a->left_prefix, a->want.b[cur].moa, 8);
        a->have_left = 1;
    }
    for (int pass = 0; pass < 2 && !active; pass++)
        for (size_t i = 0; i < a->cfg.n_ifaces && !active; i++)
            for (size_t j = 0; j < a->ifs[i].n && !active; j++)
                if (pass ? attached(&a->ifs[i]) : candidate(a, i, j))
                    active = a->ifs[i].addr[j];
    if (!active) {   /* every link down: keep what we have, nothing is better */
        *w = a->want;
        return;
    }
    if (a->have_left && memcmp(active, a->left_prefix, 8) == 0)
        a->have_left = 0;   /* back in that network after all */
    memcpy(w->b[0].moa, active, IMS_ADDR_LEN);
    w->b[0].state = IMS_ACTIVE;
    w->n = 1;
    for (size_t i = 0; i < a->cfg.n_ifaces; i++)
        for (size_t j = 0; j < a->ifs[i].n && w->n < IMS_MAX_BINDINGS; j++)
            if (candidate(a, i, j) && memcmp(a->ifs[i].addr[j], active, IMS_ADDR_LEN) != 0) {
                memcpy(w->b[w->n].moa, a->ifs[i].addr[j], IMS_ADDR_LEN);
                w->b[w->n++].state = IMS_STANDBY;
            }
}

/* The address that becomes active if the active interface fails: the
 * first standby on another interface.  NULL if none. */
static const uint8_t *successor(const mat_agent *a)
{
    int act = ims_mapping_active(&a->want);
    if (act < 0)
        return NULL;
    const mn_if *home = NULL;
    for (size_t i = 0; i < a->cfg.n_ifaces && !home; i++)
        for (size_t j = 0; j < a->ifs[i].n; j++)
            if (memcmp(a->ifs[i].addr[j], a->want.b[act].moa, IMS_ADDR_LEN) == 0)
                home = &a->ifs[i];
    for (size_t k = 0; k < a->want.n; k++) {
        if (a->want.b[k].state != IMS_STANDBY)
            continue;
        for (size_t i = 0; i < a->cfg.n_ifaces; i++)
            if (&a->ifs[i] != home)
                for (size_t j = 0; j < a->ifs[i].n; j++)
                    if (memcmp(a->ifs[i].addr[j], a->want.b[k].moa, IMS_ADDR_LEN) == 0)
                        return a->want.b[k].moa;
    }
    return NULL;
}

static int same_bindings(const ims_mapping *x, const ims_mapping *y)
{
    return x->n == y->n && memcmp(x->b, y->b, x->n * sizeof x->b[0]) == 0;
}

static void mn_send(mat_agent *a);
static void mn_apply(mat_agent *a);

static void pre_close(mat_agent *a)
{
    if (a->pre_fd >= 0)
        close(a->pre_fd);
    a->pre_fd = -1;
    a->pre_sent_at = 0;
}

/* The switch registration signed ahead still good to send? */
static int pre_ready(const mat_agent *a)
{
    return a->pre_len && a->pre_seq > a->last_seq;
}

static uint64_t next_seq(mat_agent *a);

static void mn_update(mat_agent *a)
{
    ims_mapping w;
    compute_want(a, &w);
    if (same_bindings(&w, &a->want))
        return;
    int was = ims_mapping_active(&a->want), now = ims_mapping_active(&w);
    char o[INET6_ADDRSTRLEN] = "none", n[INET6_ADDRSTRLEN] = "none";
    if (was >= 0)
        ims_addr_str(a->want.b[was].moa, o, sizeof o);
    if (now >= 0)
        ims_addr_str(w.b[now].moa, n, sizeof n);
    if (strcmp(o, n) != 0) {
        mob_log("active mobile address %s (was %s)", n, o);
        a->switch_at = roam_now_ms();
        a->retry_at = 0;   /* a switch is news the IMS needs now */
        a->dg_fallback = 0;   /* another network: datagrams may get through there */
        a->backoff_ms = 0;
    }
    a->want = w;
    a->want.seq = 0;
    a->dirty = 1;
    /* On a switch the IMS message goes first: the correspondents' rules
     * are what the interruption waits for.  Then the route, which alone
     * moves our traffic (the rules hold each NIC's source already); the
     * rule update after it only prepares the next switch. */
    if (strcmp(o, n) != 0) {
        mn_send(a);
        steer_default_route(a);
        a->apply_at = roam_now_ms() + SWITCH_SETTLE_MS;
    }
    if (!a->apply_at)
        mn_apply(a);
}

static uint64_t next_seq(mat_agent *a)
{
    /* Time-based, so a restarted agent that lost its counter still goes
     * up; STALE_SEQ answers (current_seq) repair a clock that went back. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    return t > a->last_seq ? t : a->last_seq + 1;
}

static void dg_close(mat_agent *a)
{
    if (a->dg_fd >= 0)
        close(a->dg_fd);
    a->dg_fd = -1;
}

/* Send (again) the datagram in flight and schedule the next try. */
static void dg_transmit(mat_agent *a)
{
    if (send(a->dg_fd, a->dg_buf, a->dg_len, MSG_DONTWAIT) < 0)
        mob_debug("registration datagram not sent: %s", strerror(errno));   /* retried */
    a->dg_sends++;
    a->dg_next = roam_now_ms() + a->dg_interval;
    a->dg_interval *= 2;
}

/* Datagrams failed for this registration: TLS carries it (and says why). */
static void dg_give_up(mat_agent *a, const char *why)
{
    if (a->moved_confirm_by) {   /* a switch on an announcement: no network there */
        mob_log("registration datagram seq %llu: %s", (unsigned long long)a->dg_pending.seq, why);
        dg_close(a);
        a->moved_confirm_by = roam_now_ms();   /* mn_confirm undoes it now */
        return;
    }
    mob_log("registration datagram seq %llu: %s; registering over TLS",
            (unsigned long long)a->dg_pending.seq, why);
    dg_close(a);
    a->dg_fallback = 1;
    a->dirty = 1;
}

/* The registration as one signed datagram from src, superseding whatever
 * registration is still in flight. */
static void mn_send_dgram(mat_agent *a, const char *src)
{
    char err[ROAM_ERR_MAX];
    dg_close(a);
    a->pending_id = 0;   /* a TLS answer still due is for an older registration */
    uint64_t seq;
    int foreseen = pre_ready(a) && same_bindings(&a->pre_map, &a->want);
    int64_t sent_at = foreseen && a->pre_fd >= 0 ? a->pre_sent_at : 0;
    if (foreseen) {
        seq = a->pre_seq;   /* the switch foreseen: signed already */
        memcpy(a->dg_buf, a->pre_buf, a->pre_len);
        a->dg_len = a->pre_len;
    } else {
        seq = next_seq(a);
        a->dg_len = ims_dgram_register(a->key, a->want.hoa, seq, a->want.b, a->want.n,
                                       a->dg_buf, err, sizeof err);
    }
    a->pre_len = 0;
    a->dg_pending = a->want;
    a->dg_pending.seq = seq;
    a->last_seq = seq;   /* never reuse a number the IMS may have stored */
    a->dirty = 0;
    if (a->dg_len == 0) {
        dg_give_up(a, err);
        return;
    }
    if (foreseen && a->pre_fd >= 0) {
        a->dg_fd = a->pre_fd;
        a->pre_fd = -1;
    } else {
        a->dg_fd = ims_socket_from(SOCK_DGRAM, src, iface_of(a, src), a->cfg.ims_address,
                                   a->cfg.ims_port, 0, err, sizeof err);
    }
    pre_close(a);
    if (a->dg_fd < 0) {
        dg_give_up(a, err);
        return;
    }
    a->dg_since = roam_now_ms();
    a->dg_interval = DGRAM_FIRST_MS;
    a->dg_sends = 0;
    if (!sent_at) {
        dg_transmit(a);
        return;
    }
    a->dg_since = sent_at;   /* on its way since the announcement: retransmit in time */
    a->dg_sends = 1;
    a->dg_next = sent_at + a->dg_interval;
    a->dg_interval *= 2;
}

static void mn_send(mat_agent *a)
{
    int act = ims_mapping_active(&a->want);
    if (!a->dirty || act < 0)
        return;
    char src[INET6_ADDRSTRLEN];
    ims_addr_str(a->want.b[act].moa, src, sizeof src);
    if (a->use_dgram && !a->dg_fallback) {
        mn_send_dgram(a, src);
        return;
    }
    /* A registration still pending on the old address's connection is
     * abandoned with it: the new one supersedes it. */
    if (a->ims && strcmp(src, a->ims_src) != 0)
        drop_ims(a, "active address changed");
    if (a->pending_id)
        return;
    dg_close(a);   /* TLS carries the registration now */
    if (!a->ims && a->next && strcmp(src, a->next_src) == 0) {
        a->ims = a->next;   /* opened from this address before: no handshake now */
        memcpy(a->ims_src, a->next_src, sizeof a->ims_src);
        a->next = NULL;
        mob_log("using the connection pre-opened from %s", src);
    }
    if (!a->ims && connect_ims(a, src) < 0)
        return;
    char err[ROAM_ERR_MAX];
    uint64_t seq = next_seq(a);
    if (ims_client_register(a->ims, a->key, a->want.hoa, seq, a->want.b, a->want.n,
                            &a->pending_id, err, sizeof err) < 0) {
        drop_ims(a, err);
        backoff(a);
        return;
    }
    a->pending = a->want;
    a->pending.seq = seq;
    a->pending_since = roam_now_ms();
    a->dirty = 0;
}

static void close_next(mat_agent *a, const char *why)
{
    if (!a->next)
        return;
    mob_debug("pre-opened IMS connection closed: %s", why);
    ims_client_close(a->next);
    a->next = NULL;
}

static void *preopen_main(void *arg)
{
    mat_agent *a = arg;   /* reads only cfg, tls and the preopen_* fields */
    char err[ROAM_ERR_MAX];
    const char *name = a->cfg.ims_server_name[0] ? a->cfg.ims_server_name : NULL;
    ims_client *c = ims_client_connect(a->tls, a->cfg.ims_address, a->cfg.ims_port, name,
                                       a->preopen_src, a->preopen_dev[0] ? a->preopen_dev : NULL,
                                       a->cfg.connect_timeout_ms, err, sizeof err);
    if (!c)
        mob_debug("pre-opening from %s: %s", a->preopen_src, err);
    if (write(a->preopen_pipe[1], &c, sizeof c) != sizeof c)
        ims_client_close(c);   /* cannot happen with a private pipe; never leak */
    return NULL;
}

/* The NIC holding the active address, or -1. */
static int active_nic(const mat_agent *a)
{
    int act = ims_mapping_active(&a->want);
    for (size_t i = 0; act >= 0 && i < a->cfg.n_ifaces; i++)
        for (size_t j = 0; j < a->ifs[i].n; j++)
            if (memcmp(a->ifs[i].addr[j], a->want.b[act].moa, IMS_ADDR_LEN) == 0)
                return (int)i;
    return -1;
}

/* What would be registered if the active NIC's network were gone now,
 * without changing anything.  0, or -1 if that would not be a switch. */
static int predict_switch(mat_agent *a, ims_mapping *w)
{
    int i = active_nic(a), act = ims_mapping_active(&a->want);
    if (i < 0)
        return -1;
    int had_left = a->have_left, was_gone = a->ifs[i].gone;
    uint8_t left[8];
    memcpy(left, a->left_prefix, sizeof left);
    a->ifs[i].gone = 1;
    compute_want(a, w);
    a->ifs[i].gone = was_gone;
    a->have_left = had_left;
    memcpy(a->left_prefix, left, sizeof left);
    int now = ims_mapping_active(w);
    return now >= 0 && memcmp(w->b[now].moa, a->want.b[act].moa, IMS_ADDR_LEN) != 0 ? 0 : -1;
}

/* Keep the next switch's registration signed, and its socket open from
 * the address it will come from.  The sequence number is taken now and
 * stays valid until another registration uses a higher one. */
static void mn_presign(mat_agent *a)
{
    ims_mapping w;
    if (!a->use_dgram || predict_switch(a, &w) < 0) {
        a->pre_len = 0;
        pre_close(a);
        return;
    }
    if (a->pre_len && a->pre_seq > a->last_seq && same_bindings(&w, &a->pre_map))
        return;
    char err[ROAM_ERR_MAX];
    uint64_t seq = next_seq(a);
    pre_close(a);
    a->pre_len = ims_dgram_register(a->key, w.hoa, seq, w.b, w.n, a->pre_buf, err, sizeof err);
    if (a->pre_len == 0) {
        mob_debug("switch registration not signed ahead: %s", err);
        return;
    }
    a->pre_map = w;
    a->pre_seq = seq;
    char src[INET6_ADDRSTRLEN];
    ims_addr_str(w.b[ims_mapping_active(&w)].moa, src, sizeof src);
    const char *dev = iface_of(a, src);
    a->pre_fd = ims_socket_from(SOCK_DGRAM, src, dev, a->cfg.ims_address, a->cfg.ims_port, 0,
                                err, sizeof err);
    if (a->pre_fd < 0) {
        mob_debug("switch registration socket not opened ahead: %s", err);
        return;
    }
    if (!a->cfg.handover || !dev)
        return;
    if (mat_handover_offer(dev, w.b[ims_mapping_active(&w)].moa, a->pre_fd, a->pre_buf,
                           a->pre_len, err, sizeof err) < 0)
        mob_log("switch registration not offered to the hosts: %s", err);
    else
        mob_log("switch registration seq %llu offered to the hosts on %s",
                (unsigned long long)seq, dev);
}

/* Point the steering table (mat_rules.h) at f's router, or empty it
 * (f NULL): replies to peers heard on the standby NIC leave through it. */
static void steer_route(mat_agent *a, const mn_if *f)
{
    char err[ROAM_ERR_MAX];
    if (!a->steer_rule)
        return;
    if (!f) {
        if (a->steer_if && mat_nl_steer_route(a->nl, 0, NULL, err, sizeof err) < 0)
            mob_debug("steering route not removed: %s", err);
        a->steer_if = 0;
        return;
    }
    if (a->steer_if == f->index && memcmp(a->steer_gw, f->gw, IMS_ADDR_LEN) == 0)
        return;
    if (mat_nl_steer_route(a->nl, f->index, f->gw, err, sizeof err) < 0) {
        mob_debug("steering route not set: %s", err);
        return;
    }
    a->steer_if = f->index;
    memcpy(a->steer_gw, f->gw, IMS_ADDR_LEN);
}

/* Keep the hello to the router of the network a switch would move to
 * ready (mat_move_arm), from the address the switch would make active. */
static void mn_arm(mat_agent *a)
{
    ims_mapping w;
    const uint8_t *succ = NULL;
    const mn_if *f = NULL;
    if (predict_switch(a, &w) == 0)
        succ = w.b[ims_mapping_active(&w)].moa;
    for (size_t i = 0; succ && i < a->cfg.n_ifaces && !f; i++)
        for (size_t j = 0; j < a->ifs[i].n; j++)
            if (memcmp(a->ifs[i].addr[j], succ, IMS_ADDR_LEN) == 0)
                f = &a->ifs[i];
    if (!f || !f->have_gw) {
        mat_move_disarm(a->move);
        steer_route(a, NULL);
        return;
    }
    char err[ROAM_ERR_MAX];
    if (mat_move_arm(a->move, a->cfg.ifaces[f - a->ifs], succ, f->gw, err, sizeof err) < 0)
        mob_debug("router hello not prepared: %s", err);
    steer_route(a, f);
}

/* The rules for want: every registered MoA in, and out the source for
 * the active NIC and for the NIC a switch would move to. */
static void mn_apply(mat_agent *a)
{
    mat_source src[2];
    size_t n = 0;
    int i = active_nic(a), act = ims_mapping_active(&a->want);
    if (i >= 0) {
        memcpy(src[n].dev, a->cfg.ifaces[i], IF_NAMESIZE);
        memcpy(src[n++].moa, a->want.b[act].moa, IMS_ADDR_LEN);
    }
    ims_mapping w;
    if (predict_switch(a, &w) == 0) {
        int k = ims_mapping_active(&w);
        char s[INET6_ADDRSTRLEN];
        const char *dev = iface_of(a, ims_addr_str(w.b[k].moa, s, sizeof s));
        if (dev && (i < 0 || strcmp(dev, a->cfg.ifaces[i]) != 0)) {
            snprintf(src[n].dev, IF_NAMESIZE, "%s", dev);
            memcpy(src[n++].moa, w.b[k].moa, IMS_ADDR_LEN);
        }
    }
    char err[ROAM_ERR_MAX];
    if (mat_table_set_sources(&a->table, a->want.hoa, src, n, err, sizeof err) < 0)
        mob_log("translation sources NOT updated: %s", err);
    if (mat_table_set_standby(&a->table, n == 2 ? src[1].dev : NULL, err, sizeof err) < 0)
        mob_log("standby NIC NOT updated: %s", err);
    apply_table(a, &a->want);
}

/* QEMU announced this VM: it runs on another host now, normally the one
 * whose network the successor address (from the RA delivered before the
 * move) belongs to.  Switch at once, without waiting for the host to link
 * the old NIC down: the signed registration from the new address reaches
 * the IMS only if that network really is attached, so its acknowledgement
 * confirms the switch, and no acknowledgement undoes it (mn_confirm). */
static void on_announced(mat_agent *a)
{
    int from = active_nic(a);
    if (a->moved_confirm_by || from < 0 || !mat_move_armed(a->move)) {
        mob_debug("announced after a move; %s", a->moved_confirm_by ? "switched already"
                                                                     : "no standby network");
        return;
    }
    char err[ROAM_ERR_MAX];
    /* The router learns the new address's MAC from this before the IMS's
     * answer and the correspondents' packets come. */
    if (mat_move_hello(a->move, err, sizeof err) < 0)
        mob_debug("router hello: %s", err);
    /* Then at once the registration signed ahead, before any bookkeeping
     * (mn_send_dgram takes it over as the datagram in flight). */
    if (pre_ready(a) && a->pre_fd >= 0) {
        int e;
        socklen_t el = sizeof e;
        (void)getsockopt(a->pre_fd, SOL_SOCKET, SO_ERROR, &e, &el);   /* nothing stale */
        if (send(a->pre_fd, a->pre_buf, a->pre_len, MSG_DONTWAIT) == (ssize_t)a->pre_len)
            a->pre_sent_at = roam_now_ms();
    }
    int ahead = a->pre_sent_at != 0;
    a->ifs[from].gone = 1;
    mn_update(a);
    if (active_nic(a) == from) {   /* nowhere else to go after all */
        a->ifs[from].gone = 0;
        return;
    }
    a->moved_from = (size_t)from;
    a->moved_confirm_by = roam_now_ms() + ANNOUNCED_CONFIRM_MS;
    mob_log("announced on another host: left %s's network (registration %s)",
            a->cfg.ifaces[from], ahead ? "signed ahead" : "signed at the switch");
}

/* A switch on an announcement that the IMS has not acknowledged in time
 * is undone: the old network is still the one there (or the IMS is away,
 * and the host's link-down will settle it). */
static void mn_confirm(mat_agent *a)
{
    if (!a->moved_confirm_by)
        return;
    mn_if *f = &a->ifs[a->moved_from];
    if (!f->gone || same_bindings(&a->acked, &a->want)) {
        a->moved_confirm_by = 0;   /* acknowledged, or the link state took over */
        return;
    }
    if (roam_now_ms() < a->moved_confirm_by)
        return;
    a->moved_confirm_by = 0;
    int tried = active_nic(a);
    if (tried >= 0)
        a->ifs[tried].gone = 1;   /* its network did not answer (until its link changes) */
    f->gone = 0;
    mob_log("no acknowledgement through the standby network: back to %s",
            a->cfg.ifaces[a->moved_from]);
    mn_update(a);
    steer_default_route(a);
}

/* Keep a connection open from the successor address, so that a switch can
 * register without a TCP and TLS handshake. */
static void mn_preopen(mat_agent *a)
{
    const uint8_t *succ = successor(a);
    char src[INET6_ADDRSTRLEN] = "";
    if (succ)
        ims_addr_str(succ, src, sizeof src);
    if (a->next && strcmp(src, a->next_src) != 0)
        close_next(a, "successor changed");
    if (!succ || a->next || a->preopen_busy || !a->ims ||
        (a->next_retry_at && roam_now_ms() < a->next_retry_at))
        return;
    const char *dev = iface_of(a, src);
    snprintf(a->preopen_src, sizeof a->preopen_src, "%s", src);
    snprintf(a->preopen_dev, sizeof a->preopen_dev, "%s", dev ? dev : "");
    if (pthread_create(&a->preopen_thread, NULL, preopen_main, a) == 0)
        a->preopen_busy = 1;
    else
        a->next_retry_at = roam_now_ms() + a->cfg.retry_max_ms;
}

/* A pre-opening finished: keep it if it is still the successor's. */
static void preopen_done(mat_agent *a)
{
    ims_client *c = NULL;
    if (read(a->preopen_pipe[0], &c, sizeof c) != sizeof c)
        return;
    pthread_join(a->preopen_thread, NULL);
    a->preopen_busy = 0;
    const uint8_t *succ = successor(a);
    char src[INET6_ADDRSTRLEN] = "";
    if (succ)
        ims_addr_str(succ, src, sizeof src);
    if (!c) {
        a->next_retry_at = roam_now_ms() + a->cfg.retry_max_ms;
        return;
    }
    a->next_retry_at = 0;
    if (a->next || strcmp(src, a->preopen_src) != 0) {
        ims_client_close(c);
        return;
    }
    a->next = c;
    memcpy(a->next_src, a->preopen_src, sizeof a->next_src);
    mob_log("IMS connection pre-opened from %s", a->next_src);
}

/* The IMS stored registration p (sent at since, by how). */
static void mn_acked(mat_agent *a, const ims_mapping *p, int64_t since, const char *how)
{
    a->acked = *p;
    a->last_seq = p->seq;
    a->backoff_ms = 0;
    int64_t now = roam_now_ms();
    mob_log("IMS acknowledged seq %llu in %lld ms (%s)%s", (unsigned long long)p->seq,
            (long long)(now - since), how, a->switch_at ? " (switch)" : "");
    if (a->switch_at)
        mob_log("switch: rules to IMS acknowledgement %lld ms", (long long)(now - a->switch_at));
    a->switch_at = 0;
    a->dirty = !same_bindings(&a->acked, &a->want);
}

/* The datagram socket is readable: an acknowledgement counts only if the
 * IMS's key signed it for exactly the registration in flight. */
static void dg_readable(mat_agent *a)
{
    for (int i = 0; i < 8 && a->dg_fd >= 0; i++) {
        uint8_t buf[IMS_DGRAM_MAX + 1];
        ssize_t n = recv(a->dg_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == ECONNREFUSED)   /* no UDP service there (ICMP): don't wait */
                dg_give_up(a, "the IMS does not take datagrams");
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                mob_debug("registration datagram socket: %s", strerror(errno));
            return;
        }
        char err[ROAM_ERR_MAX];
        if (!ims_dgram_ack_ok(buf, (size_t)n, a->ims_pub, &a->dg_pending, err, sizeof err)) {
            mob_log("ignored a datagram from the IMS address: %s", err);
            continue;
        }
        dg_close(a);
        mn_acked(a, &a->dg_pending, a->dg_since, "datagram");
    }
}

/* Retransmit with back-off; give the registration to TLS in the end. */
static void dg_timer(mat_agent *a)
{
    if (a->dg_fd < 0 || roam_now_ms() < a->dg_next)
        return;
    if (a->dg_sends >= DGRAM_SENDS)
        dg_give_up(a, "no acknowledgement");
    else
        dg_transmit(a);
}

static void mn_answer(mat_agent *a, const ims_message *m)
{
    if (m->id != a->pending_id || !a->pending_id)
        return;
    a->pending_id = 0;
    if (m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK) {
        a->dg_fallback = 0;   /* the next registration tries datagrams again */
        mn_acked(a, &a->pending, a->pending_since, "TLS");
        return;
    }
    const Roam__Ims__V1__Error *e = m->error;
    char text[IMS_ERRMSG_MAX + 1];
    ims_sanitize(e->message, text, sizeof text);
    a->dirty = 1;
    if (e->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_STALE_SEQ) {
        mob_log("IMS has seq %llu already: retrying above it", (unsigned long long)e->current_seq);
        a->last_seq = e->current_seq;
        return;
    }
    mob_log("IMS refused the registration: %s", text);
    backoff(a);
}

/* ---- correspondent ---- */

static void cn_subscribe(mat_agent *a)
{
    if (a->ims || connect_ims(a, NULL) < 0)
        return;
    char err[ROAM_ERR_MAX];
    if (ims_client_subscribe(a->ims, (const uint8_t (*)[IMS_ADDR_LEN])a->cfg.hoas,
                             a->cfg.n_hoas, NULL, err, sizeof err) < 0) {
        drop_ims(a, err);
        backoff(a);
        return;
    }
    a->subscribed = 1;
    a->backoff_ms = 0;
}

static void cn_mapping(mat_agent *a, const Roam__Ims__V1__Mapping *pm)
{
    ims_mapping m;
    ims_mapping_from_pb(pm, &m);
    for (size_t i = 0; i < a->cfg.n_hoas; i++) {
        if (memcmp(a->cfg.hoas[i], m.hoa, IMS_ADDR_LEN) != 0)
            continue;
        if (pm->known && m.seq <= a->known_seq[i] && a->known_seq[i])
            return;   /* an answer overtaken by a newer push */
        a->known_seq[i] = pm->known ? m.seq : 0;
        if (!pm->known) {
            char h[INET6_ADDRSTRLEN];
            mob_log("IMS does not know %s", ims_addr_str(m.hoa, h, sizeof h));
        }
        apply_table(a, &m);   /* unknown: n = 0 removes its entries */
        return;
    }
}

/* ---- loop ---- */

static void on_ims_readable(mat_agent *a)
{
    char err[ROAM_ERR_MAX];
    for (;;) {
        ims_message *m;
        int r = ims_client_recv(a->ims, &m, 0, err, sizeof err);
        if (r == 0)
            return;
        if (r < 0) {
            drop_ims(a, err);
            backoff(a);
            return;
        }
        if (m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING && a->cfg.role == MAT_CORRESPONDENT)
            cn_mapping(a, m->mapping);
        else if (a->cfg.role == MAT_MOBILE)
            mn_answer(a, m);
        ims_msg_free(m);
        if (!a->ims)
            return;
    }
}

static const mat_nl_handler *handler(mat_agent *a)
{
    static mat_nl_handler h;
    h.link = on_link;
    h.addr = on_addr;
    h.route = on_route;
    h.arg = a;
    return &h;
}

static void add_bypass(mat_agent *a, const uint8_t addr[16])
{
    for (size_t i = 0; i < a->table.n_bypass; i++)
        if (memcmp(a->table.bypass[i], addr, IMS_ADDR_LEN) == 0)
            return;
    if (a->table.n_bypass < MAT_MAX_BYPASS)
        memcpy(a->table.bypass[a->table.n_bypass++], addr, IMS_ADDR_LEN);
}

/* The IMS talks to the mobile node's MoA directly: never translate it. */
static int bypass_ims(mat_agent *a, char *err, size_t errlen)
{
    struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_STREAM }, *res;
    int rc = getaddrinfo(a->cfg.ims_address, NULL, &hints, &res);
    if (rc != 0)
        return roam_errf(err, errlen, "cannot resolve IMS %s: %s", a->cfg.ims_address,
                         gai_strerror(rc));
    for (struct addrinfo *r = res; r; r = r->ai_next)
        add_bypass(a, ((struct sockaddr_in6 *)r->ai_addr)->sin6_addr.s6_addr);
    freeaddrinfo(res);
    for (size_t i = 0; i < a->cfg.n_bypass; i++)
        add_bypass(a, a->cfg.bypass[i]);
    return 0;
}

mat_agent *mat_agent_new(const mat_config *cfg, char *err, size_t errlen)
{
    mat_agent *a = calloc(1, sizeof *a);
    if (!a) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    a->preopen_pipe[0] = a->preopen_pipe[1] = -1;
    a->dg_fd = -1;
    a->pre_fd = -1;
    a->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (a->stop_fd < 0 || pipe2(a->preopen_pipe, O_CLOEXEC) < 0) {
        roam_errf(err, errlen, "eventfd: %s", strerror(errno));
        goto fail;
    }
    if (mat_table_init(&a->table, cfg->role, cfg->table, err, errlen) < 0)
        goto fail;
    a->tls = roam_tls_client_ctx(cfg->ims_ca, cfg->ims_cert[0] ? cfg->ims_cert : NULL,
                                 cfg->ims_key[0] ? cfg->ims_key : NULL, err, errlen);
    if (!a->tls || !(a->nft = mat_nft_open(err, errlen)))
        goto fail;
    if (cfg->role == MAT_MOBILE) {
        if (!(a->key = ims_key_load_private(cfg->key, err, errlen)) ||
            bypass_ims(a, err, errlen) < 0 || !(a->nl = mat_nl_open(err, errlen)) ||
            mat_nl_add_addr(a->nl, cfg->hoa_device, cfg->hoa, err, errlen) < 0 ||
            !(a->move = mat_move_open(cfg->ifaces, cfg->n_ifaces, err, errlen)))
            goto fail;
        memcpy(a->want.hoa, cfg->hoa, IMS_ADDR_LEN);
        if (cfg->ims_ack_pubkey[0]) {
            if (ims_key_load_public(cfg->ims_ack_pubkey, a->ims_pub, err, errlen) < 0)
                goto fail;
            a->use_dgram = 1;
        }
        mat_nic_tune(&a->nic, &a->cfg);
        a->nic_tuned = 1;
        /* A predecessor's rule and route first go, then the rule comes back
         * (the route follows the standby NIC, mn_arm). */
        char why[ROAM_ERR_MAX];
        if (mat_nl_steer_route(a->nl, 0, NULL, why, sizeof why) < 0 ||
            mat_nl_steer_rule(a->nl, 0, why, sizeof why) < 0 ||
            mat_nl_steer_rule(a->nl, 1, why, sizeof why) < 0)
            mob_log("warning: replies are not steered to the standby NIC: %s", why);
        else
            a->steer_rule = 1;
    }
    /* Whatever a killed predecessor left goes away in the same transaction
     * that creates the fresh table. */
    if (mat_rules_install(a->nft, &a->table, err, errlen) < 0)
        goto fail;
    mob_log("table ip6 %s installed (%s mode)", cfg->table,
            cfg->role == MAT_MOBILE ? "mobile" : "correspondent");
    if (cfg->role == MAT_MOBILE) {
        if (mat_nl_dump(a->nl, handler(a), err, errlen) < 0)
            goto fail;
        mn_update(a);
        steer_default_route(a);
    }
    return a;
fail:
    mat_agent_free(a);
    return NULL;
}

void mat_agent_stop(mat_agent *a)
{
    uint64_t one = 1;
    ssize_t r = write(a->stop_fd, &one, sizeof one);
    (void)r;
}

static int polled(const struct pollfd *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i].revents)
            return 1;
    return 0;
}

int mat_agent_run(mat_agent *a, char *err, size_t errlen)
{
    for (;;) {
        if (a->cfg.role == MAT_MOBILE) {
            dg_timer(a);
            mn_confirm(a);
            if (a->apply_at && roam_now_ms() >= a->apply_at) {
                a->apply_at = 0;
                mn_apply(a);
            }
            mn_send(a);
            mn_presign(a);
            mn_arm(a);
            mn_preopen(a);
            if (a->pending_id && roam_now_ms() - a->pending_since > ANSWER_TIMEOUT_MS) {
                drop_ims(a, "no answer from the IMS");
                backoff(a);
            }
        } else if (!a->subscribed) {
            cn_subscribe(a);
        }
        struct pollfd p[6 + MAT_MAX_IFACES + 1];
        int n = 0, next_i = -1, pre_i = -1, dg_i = -1, move_i = -1, move_n = 0;
        p[n++] = (struct pollfd){ .fd = a->stop_fd, .events = POLLIN };
        int nl_i = -1, ims_i = -1;
        if (a->nl) {
            nl_i = n;
            p[n++] = (struct pollfd){ .fd = mat_nl_fd(a->nl), .events = POLLIN };
        }
        if (a->ims) {
            ims_i = n;
            p[n++] = (struct pollfd){ .fd = ims_client_fd(a->ims),
                                      .events = POLLIN | (ims_client_want_write(a->ims) ? POLLOUT : 0) };
        }
        if (a->preopen_busy) {
            pre_i = n;
            p[n++] = (struct pollfd){ .fd = a->preopen_pipe[0], .events = POLLIN };
        }
        if (a->next) {
            next_i = n;
            p[n++] = (struct pollfd){ .fd = ims_client_fd(a->next), .events = POLLIN };
        }
        if (a->dg_fd >= 0) {
            dg_i = n;
            p[n++] = (struct pollfd){ .fd = a->dg_fd, .events = POLLIN };
        }
        if (a->move) {
            move_i = n;
            move_n = (int)mat_move_pollfds(a->move, &p[n], MAT_MAX_IFACES + 1);
            n += move_n;
        }
        int wait = 1000;
        int64_t due[4] = { a->retry_at, a->dg_fd >= 0 ? a->dg_next : 0, a->moved_confirm_by,
                           a->apply_at };
        for (int k = 0; k < 4; k++)
            if (due[k]) {
                int64_t left = due[k] - roam_now_ms();
                wait = left < 0 ? 0 : left < wait ? (int)left : wait;
            }
        if (poll(p, (nfds_t)n, wait) < 0) {
            if (errno == EINTR)
                continue;
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        }
        if (p[0].revents)
            return 0;
        if (a->retry_at && roam_now_ms() >= a->retry_at)
            a->retry_at = 0;
        /* First: after a move every millisecond until the switch counts. */
        if (move_i >= 0 && polled(&p[move_i], move_n) && mat_move_announced(a->move))
            on_announced(a);
        if (nl_i >= 0 && p[nl_i].revents) {
            if (mat_nl_read(a->nl, handler(a), err, errlen) < 0)
                return -1;
            mn_update(a);
            steer_default_route(a);
        }
        if (pre_i >= 0 && p[pre_i].revents)
            preopen_done(a);
        if (dg_i >= 0 && a->dg_fd >= 0 && p[dg_i].revents)
            dg_readable(a);
        if (next_i >= 0 && a->next && p[next_i].revents) {
            /* Nothing is expected there: drain, and notice a close. */
            char e[ROAM_ERR_MAX];
            ims_message *m;
            int r;
            while ((r = ims_client_recv(a->next, &m, 0, e, sizeof e)) == 1)
                ims_msg_free(m);
            if (r < 0)
                close_next(a, e);
        }
        if (ims_i >= 0 && a->ims && p[ims_i].revents) {
            char e[ROAM_ERR_MAX];
            if ((p[ims_i].revents & POLLOUT) && ims_client_flush(a->ims, e, sizeof e) < 0) {
                drop_ims(a, e);
                backoff(a);
            } else {
                on_ims_readable(a);
            }
        }
    }
}

void mat_agent_free(mat_agent *a)
{
    if (!a)
        return;
    char err[ROAM_ERR_MAX];
    if (a->nft) {
        if (mat_rules_remove(a->nft, a->cfg.table, err, sizeof err) < 0)
            mob_log("%s", err);
        else
            mob_log("table ip6 %s removed", a->cfg.table);
    }
    if (a->preopen_busy) {   /* bounded by connect_timeout_ms */
        ims_client *c = NULL;
        if (read(a->preopen_pipe[0], &c, sizeof c) == sizeof c)
            ims_client_close(c);
        pthread_join(a->preopen_thread, NULL);
    }
    for (int i = 0; i < 2; i++)
        if (a->preopen_pipe[i] >= 0)
            close(a->preopen_pipe[i]);
    dg_close(a);
    pre_close(a);
    ims_client_close(a->ims);
    ims_client_close(a->next);
    if (a->nl && a->route_if && mat_nl_default_route(a->nl, 0, NULL, err, sizeof err) < 0)
        mob_log("roam-mat's default route not removed: %s", err);
    if (a->nl && a->steer_rule && (mat_nl_steer_route(a->nl, 0, NULL, err, sizeof err) < 0 ||
                                   mat_nl_steer_rule(a->nl, 0, err, sizeof err) < 0))
        mob_log("roam-mat's steering rule or route not removed: %s", err);
    if (a->nic_tuned)
        mat_nic_untune(&a->nic);
    mat_nl_close(a->nl);
    mat_move_close(a->move);
    mat_nft_close(a->nft);
    roam_tls_ctx_free(a->tls);
    EVP_PKEY_free(a->key);
    if (a->stop_fd >= 0)
        close(a->stop_fd);
    free(a);
}
