/* Source daemon -> destination daemon (see peer_client.h). */
#include "peer_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "net_monitor.h"
#include "sock.h"

/* Requests may be sent ahead of the answers they wait for (one flight
 * instead of one round trip each): the destination answers in the order it
 * was asked, so `owed` lists the answers still to read, oldest first, and
 * settle() reads them all into `adm`, `disks_in` and `ra_in` as soon as any
 * of them is wanted.  The RaFetch waits for PrepareDisks, which the
 * destination takes before it (peer_server.c), or for the first wait. */
#define OWED_MAX 4

struct roamd_peer {
    roamd_link *conn;
    roam_stream s;
    int io_timeout_ms;
    roam_body owed[OWED_MAX];
    size_t n_owed;
    int adm;                      /* 0 not known, 1 granted, -1 refused, -2 no answer */
    int adm_dry;                  /* the query was a dry run's */
    char adm_err[ROAM_ERR_MAX];   /* why, when adm < 0 */
    int ra_asked;
    const char *ra_vm;            /* a RaFetch to send (the caller's strings) */
    const uint8_t *ra_qid;
    roam_envelope *ra_in;         /* the RaAnswer read ahead, until roamd_peer_ra */
    roam_envelope *disks_in;      /* the DisksReady read ahead, until roamd_peer_disks */
};

roamd_peer *roamd_peer_connect(struct roamd *d, const char *dst, char *err, size_t errlen)
{
    char host[ROAMD_HOST_MAX], port[8], dflt[8];
    snprintf(dflt, sizeof dflt, "%d", d->cfg.peer_port);
    if (roam_split_hostport(dst, host, sizeof host, port, sizeof port, dflt) < 0) {
        roam_errf(err, errlen, "destination %s is not HOST[:PORT]", dst);
        return NULL;
    }
    char why[ROAM_ERR_MAX];
    int io = d->cfg.io_timeout_ms;
    int fd = roam_tcp_connect_fastopen(host, dflt, io, why, sizeof why);
    if (fd < 0) {
        roam_errf(err, errlen, "destination daemon %s port %s unreachable: %s", host, dflt, why);
        return NULL;
    }
    roamd_peer *p = calloc(1, sizeof *p);
    if (!p) {
        close(fd);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    /* The network process runs TLS on fd and relays it; fd is its own
     * from here on, success or not. */
    p->conn = roamd_net_dial(d, fd, host, io, why, sizeof why);
    if (!p->conn) {
        free(p);
        roam_errf(err, errlen, "TLS with destination daemon %s: %s", host, why);
        return NULL;
    }
    if (roamd_peer_pins_check(d->pins, p->conn->peer, host, why, sizeof why) != 0) {
        roamd_link_close(p->conn);
        free(p);
        roam_errf(err, errlen, "destination daemon %s: %s", host, why);
        return NULL;
    }
    p->s = p->conn->s;
    p->io_timeout_ms = io;
    return p;
}

static int send_env(roamd_peer *p, roam_envelope *env, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    if (roam_msg_send(&p->s, env, p->io_timeout_ms, why, sizeof why) != ROAM_OK)
        return roam_errf(err, errlen, "sending to the destination daemon: %s", why);
    return 0;
}

static int owe(roamd_peer *p, roam_body body, char *err, size_t errlen)
{
    if (p->n_owed >= OWED_MAX)
        return roam_errf(err, errlen, "more than %d requests ahead of their answers", OWED_MAX);
    p->owed[p->n_owed++] = body;
    return 0;
}

/* Read the answers owed, in order, keeping them for their callers.  A
 * refused admission ends the conversation (the destination closes; what
 * was sent after it is dropped there): -1 with the refusal. */
static int flush_ra(roamd_peer *p, char *err, size_t errlen);

static int settle(roamd_peer *p, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    if (flush_ra(p, err, errlen) < 0)
        return -1;
    while (p->n_owed) {
        roam_body want = p->owed[0];
        roam_envelope *in = NULL;
        if (p->adm < 0)
            return roam_errf(err, errlen, "%s", p->adm_err);
        if (roam_msg_expect(&p->s, want, &in, p->io_timeout_ms, why, sizeof why) != ROAM_OK) {
            roam_errf(err, errlen, "destination daemon: %s", why);
            if (want == ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER) {
                p->adm = -2;
                snprintf(p->adm_err, sizeof p->adm_err, "%s", err);
            }
            return -1;
        }
        memmove(p->owed, p->owed + 1, --p->n_owed * sizeof p->owed[0]);
        if (want == ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER) {
            p->adm = in->admission_answer->granted ? 1 : -1;
            if (p->adm < 0)
                snprintf(p->adm_err, sizeof p->adm_err, "destination %s admission: %s",
                         p->adm_dry ? "would refuse" : "refused",
                         in->admission_answer->error->message);
            roam_msg_free(in);
        } else if (want == ROAM__V1__ENVELOPE__BODY_DISKS_READY) {
            roam_msg_free(p->disks_in);
            p->disks_in = in;
            /* A refusal ends the destination's side: the RA answered after
             * it never comes, and roamd_peer_disks reports the reason. */
            if (!in->disks_ready->ok)
                break;
        } else {
            roam_msg_free(p->ra_in);
            p->ra_in = in;
        }
    }
    if (p->adm < 0)
        return roam_errf(err, errlen, "%s", p->adm_err);
    return 0;
}

static int ask_admission(roamd_peer *p, const char *vm, const char *src, const uint8_t qid[16],
                         int dry_run, char *err, size_t errlen)
{
    Roam__V1__AdmissionQuery q = ROAM__V1__ADMISSION_QUERY__INIT;
    q.dry_run = dry_run != 0;
    q.vm = (char *)vm;
    q.src = (char *)src;
    q.query_id.data = (uint8_t *)qid;
    q.query_id.len = 16;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY;
    env.admission_query = &q;
    if (owe(p, ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER, err, errlen) < 0)
        return -1;
    p->adm_dry = dry_run != 0;
    return send_env(p, &env, err, errlen);
}

/* Send a request behind others whose answers are owed.  A destination that
 * refused the admission closes the link and this write may fail: the
 * refusal, already on its way back, is then the better reason. */
static int send_ahead(roamd_peer *p, roam_envelope *env, char *err, size_t errlen)
{
    if (send_env(p, env, err, errlen) == 0)
        return 0;
    char why[ROAM_ERR_MAX];
    if (p->n_owed && p->owed[0] == ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER &&
        settle(p, why, sizeof why) < 0 && p->adm == -1)
        roam_errf(err, errlen, "%s", why);
    return -1;
}

int roamd_peer_ask_admission(roamd_peer *p, const char *vm, const char *src,
                             const uint8_t qid[16], char *err, size_t errlen)
{
    return ask_admission(p, vm, src, qid, 0, err, errlen);
}

void roamd_peer_ask_ra(roamd_peer *p, const char *vm, const uint8_t qid[16])
{
    p->ra_vm = vm;
    p->ra_qid = qid;
    p->ra_asked = 1;
}

/* Send the RaFetch asked for, if still unsent. */
static int flush_ra(roamd_peer *p, char *err, size_t errlen)
{
    if (!p->ra_vm)
        return 0;
    Roam__V1__RaFetch f = ROAM__V1__RA_FETCH__INIT;
    f.vm = (char *)p->ra_vm;
    f.query_id.data = (uint8_t *)p->ra_qid;
    f.query_id.len = 16;
    p->ra_vm = NULL;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RA_FETCH;
    env.ra_fetch = &f;
    if (owe(p, ROAM__V1__ENVELOPE__BODY_RA_ANSWER, err, errlen) < 0)
        return -1;
    return send_ahead(p, &env, err, errlen);
}

int roamd_peer_admitted(roamd_peer *p, char *err, size_t errlen)
{
    return settle(p, err, errlen);
}

int roamd_peer_admission(roamd_peer *p, const char *vm, const char *src, const uint8_t qid[16],
                         char *err, size_t errlen)
{
    if (ask_admission(p, vm, src, qid, 0, err, errlen) < 0)
        return -1;
    return settle(p, err, errlen);
}

int roamd_peer_admission_dry(roamd_peer *p, const char *vm, const char *src,
                             const uint8_t qid[16], char *err, size_t errlen)
{
    if (ask_admission(p, vm, src, qid, 1, err, errlen) < 0)
        return -1;
    return settle(p, err, errlen);
}

int roamd_peer_disks(roamd_peer *p, const char *vm, const uint8_t qid[16],
                     const struct roam_disk *disks, const int *shared,
                     const struct roamd_base_id *bases, size_t n,
                     char paths[][ROAM_DISK_PATH_MAX + 1], int *incremental, char *err,
                     size_t errlen)
{
    if (n > ROAM_DISKS_MAX)
        return roam_errf(err, errlen, "VM has %zu disks, at most %d", n, ROAM_DISKS_MAX);
    Roam__V1__DiskSpec spec[ROAM_DISKS_MAX], *sp[ROAM_DISKS_MAX];
    for (size_t i = 0; i < n; i++) {
        roam__v1__disk_spec__init(&spec[i]);
        spec[i].dev = (char *)disks[i].dev;
        spec[i].format = (char *)disks[i].format;
        spec[i].capacity = disks[i].capacity;
        spec[i].allocation = disks[i].allocation;
        spec[i].shared = shared[i] != 0;
        spec[i].path = shared[i] ? (char *)disks[i].path : "";
        if (bases[i].size) {
            spec[i].base_sha256.data = (uint8_t *)bases[i].sha256;
            spec[i].base_sha256.len = sizeof bases[i].sha256;
            spec[i].base_size = bases[i].size;
            spec[i].base_format = (char *)bases[i].format;
        }
        sp[i] = &spec[i];
    }
    Roam__V1__PrepareDisks m = ROAM__V1__PREPARE_DISKS__INIT;
    m.vm = (char *)vm;
    m.query_id.data = (uint8_t *)qid;
    m.query_id.len = 16;
    m.disks = sp;
    m.n_disks = n;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS;
    env.prepare_disks = &m;
    /* Creating images and refreshing the pool may take a while, within
     * the io timeout. */
    if (owe(p, ROAM__V1__ENVELOPE__BODY_DISKS_READY, err, errlen) < 0 ||
        send_ahead(p, &env, err, errlen) < 0 || settle(p, err, errlen) < 0)
        return -1;
    in = p->disks_in;
    p->disks_in = NULL;
    if (!in)
        return roam_errf(err, errlen, "destination daemon: no DisksReady");
    Roam__V1__DisksReady *r = in->disks_ready;
    int rc = 0;
    if (!r->ok)
        rc = roam_errf(err, errlen, "destination refused the disks: %s", r->error->message);
    else if (r->n_targets != n)
        rc = roam_errf(err, errlen, "destination answered %zu disk targets for %zu disks",
                       r->n_targets, n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (strcmp(r->targets[i]->dev, disks[i].dev) != 0)
            rc = roam_errf(err, errlen, "destination answered disk %s for %s",
                           r->targets[i]->dev, disks[i].dev);
        else {
            snprintf(paths[i], ROAM_DISK_PATH_MAX + 1, "%s", r->targets[i]->path);
            incremental[i] = r->targets[i]->incremental;
        }
    }
    roam_msg_free(in);
    return rc;
}

int roamd_peer_ra(roamd_peer *p, const char *vm, const uint8_t qid[16], uint8_t *ra, size_t cap,
                  struct in6_addr *src, char *err, size_t errlen)
{
    /* The destination may have to solicit: its answer comes within its own
     * RA timeout, below our io timeout. */
    if (!p->ra_asked)
        roamd_peer_ask_ra(p, vm, qid);
    if (settle(p, err, errlen) < 0)
        return -1;
    roam_envelope *in = p->ra_in;
    p->ra_in = NULL;
    p->ra_asked = 0;
    if (!in)
        return roam_errf(err, errlen, "destination daemon: no RaAnswer");
    int r;
    Roam__V1__RaAnswer *a = in->ra_answer;
    if (!a->ra.len)
        r = roam_errf(err, errlen, "destination has no Router Advertisement: %s",
                      a->error->message);
    else if (a->ra.len > cap)
        r = roam_errf(err, errlen, "destination's RA is %zu bytes, more than %zu", a->ra.len, cap);
    else {
        memcpy(ra, a->ra.data, a->ra.len);
        memcpy(src->s6_addr, a->source.data, 16);
        r = (int)a->ra.len;
    }
    roam_msg_free(in);
    return r;
}

int roamd_peer_arm(roamd_peer *p, const char *vm, const uint8_t qid[16],
                   const uint8_t primary[6], const uint8_t secondary[6], char *err, size_t errlen)
{
    Roam__V1__PostProcess pp = ROAM__V1__POST_PROCESS__INIT;
    pp.vm = (char *)vm;
    pp.query_id.data = (uint8_t *)qid;
    pp.query_id.len = 16;
    pp.primary_mac.data = (uint8_t *)primary;
    pp.primary_mac.len = 6;
    pp.secondary_mac.data = (uint8_t *)secondary;
    pp.secondary_mac.len = 6;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS;
    env.post_process = &pp;
    return send_env(p, &env, err, errlen);
}

int roamd_peer_handover(roamd_peer *p, const roam_handover *h, char *err, size_t errlen)
{
    Roam__V1__SwitchHandover sh = ROAM__V1__SWITCH_HANDOVER__INIT;
    sh.moa.data = (uint8_t *)h->moa;
    sh.moa.len = 16;
    sh.ims_address.data = (uint8_t *)h->ims_addr;
    sh.ims_address.len = 16;
    sh.ims_port = h->ims_port;
    sh.registration.data = (uint8_t *)h->reg;
    sh.registration.len = h->reg_len;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_SWITCH_HANDOVER;
    env.switch_handover = &sh;
    return send_env(p, &env, err, errlen);
}

int roamd_peer_switch_now(roamd_peer *p, char *err, size_t errlen)
{
    Roam__V1__SwitchNow sn = ROAM__V1__SWITCH_NOW__INIT;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_SWITCH_NOW;
    env.switch_now = &sn;
    return send_env(p, &env, err, errlen);
}

int roamd_peer_wait_done(roamd_peer *p, int timeout_ms, roam_envelope **out, char *err,
                         size_t errlen)
{
    char why[ROAM_ERR_MAX];
    if (roam_msg_expect(&p->s, ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE, out, timeout_ms,
                        why, sizeof why) != ROAM_OK)
        return roam_errf(err, errlen, "destination daemon: %s", why);
    return 0;
}

void roamd_peer_abort(roamd_peer *p, Roam__V1__Phase phase, const char *why)
{
    if (!p)
        return;
    char err[ROAM_ERR_MAX];
    (void)roam_msg_send_error(&p->s, phase, why, 2000, err, sizeof err);
    roamd_peer_close(p);
}

void roamd_peer_close(roamd_peer *p)
{
    if (!p)
        return;
    roam_msg_free(p->ra_in);
    roam_msg_free(p->disks_in);
    roamd_link_close(p->conn);
    free(p);
}
