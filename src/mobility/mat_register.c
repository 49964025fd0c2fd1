/* The mobile node's registration with the IMS (see mat_register.h). */
#include "mat_register.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <time.h>

#include "deadline.h"
#include "errbuf.h"
#include "ims_client.h"
#include "ims_sign.h"
#include "log.h"

#define ANSWER_TIMEOUT_MS 5000
#define UNPROVEN_FIRST_MS 2000
#define UNPROVEN_MAX_MS 60000

/* The challenge port on every address: the IMS sends a MoA's token there
 * when the registration came from elsewhere (the hosts' handover, or the
 * active address registering a standby one).  Without it those
 * registrations are proven only once they are sent from the MoA itself,
 * so a failure is logged, not fatal. */
static int challenge_socket(int port)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
                              .sin6_addr = IN6ADDR_ANY_INIT };
    if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        roam_log("warning: no challenge port %d (%s): new addresses are proven to the IMS "
                 "only from themselves", port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int mat_register_init(mat_register *r, const mat_config *cfg, mat_conn *conn,
                      const mat_ifset *ifs, mat_preopen *preopen, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    r->conn = conn;
    r->ifs = ifs;
    r->preopen = preopen;
    mat_dgram_init(&r->dg);
    mat_presign_init(&r->pre);
    r->chal_fd = -1;
    if (!(r->key = ims_key_load_private(cfg->key, err, errlen)))
        return -1;
    if (cfg->ims_ack_pubkey[0]) {
        if (ims_key_load_public(cfg->ims_ack_pubkey, r->ims_pub, err, errlen) < 0)
            return -1;
        r->use_dgram = 1;
        if (cfg->challenge_port)
            r->chal_fd = challenge_socket(cfg->challenge_port);
    }
    return 0;
}

void mat_register_free(mat_register *r)
{
    mat_dgram_close(&r->dg);
    mat_presign_drop(&r->pre);
    if (r->chal_fd >= 0)
        close(r->chal_fd);
    r->chal_fd = -1;
    EVP_PKEY_free(r->key);
    r->key = NULL;
}

static uint64_t next_seq(const mat_register *r)
{
    /* Time-based, so a restarted agent that lost its counter still goes
     * up; STALE_SEQ answers (current_seq) repair a clock that went back. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    return t > r->last_seq ? t : r->last_seq + 1;
}

static void drop(mat_register *r, const ims_mapping *want, const char *why)
{
    if (!mat_conn_close(r->conn, why))
        return;
    r->pending_id = 0;
    if (memcmp(&r->acked, want, sizeof *want) != 0)
        r->dirty = 1;
}

void mat_register_conn_failed(mat_register *r, const ims_mapping *want, const char *why)
{
    /* A front-end that stopped answering: the next one, if any, at once. */
    int moved = r->conn->ims && mat_conn_next(r->conn, why);
    drop(r, want, why);
    if (!moved)
        mat_conn_backoff(r->conn);
}

void mat_register_changed(mat_register *r, int switched)
{
    if (switched) {
        r->switch_at = roam_now_ms();
        mat_conn_retry_now(r->conn);   /* a switch is news the IMS needs now */
        r->dg_fallback = 0;   /* another network: datagrams may get through there */
        r->unproven_until = 0;
        r->unproven_ms = 0;
    }
    r->dirty = 1;
}

/* Datagrams failed for this registration: TLS carries it (and says why). */
static void dg_give_up(mat_register *r, const char *why)
{
    if (r->confirm_by) {   /* a switch on trial: no network there */
        roam_log("registration datagram seq %llu: %s", (unsigned long long)r->dg.pending.seq, why);
        mat_dgram_close(&r->dg);
        r->confirm_by = roam_now_ms();   /* the trial ends now */
        /* If the trial ends by going back, that switch starts datagrams
         * afresh; if the old NIC's link went down meanwhile, the link
         * state has decided, this address stays and nothing else would
         * send its registration: TLS does (to the next front-end). */
        r->dg_fallback = 1;
        r->dirty = 1;
        return;
    }
    roam_log("registration datagram seq %llu: %s; registering over TLS",
            (unsigned long long)r->dg.pending.seq, why);
    mat_dgram_close(&r->dg);
    r->dg_fallback = 1;
    r->dirty = 1;
}

/* The registration as one signed datagram from src, superseding whatever
 * registration is still in flight: the one signed ahead if the switch was
 * foreseen, else signed now. */
static void send_dgram(mat_register *r, const ims_mapping *want, const char *src)
{
    char err[ROAM_ERR_MAX] = "";
    mat_dgram_close(&r->dg);
    r->pending_id = 0;   /* a TLS answer still due is for an older registration */
    uint64_t seq = 0;
    int fd;
    int64_t sent_at;
    r->dg.len = mat_presign_take(&r->pre, want, r->last_seq, r->dg.buf, &seq, &fd, &sent_at);
    if (!r->dg.len) {
        seq = next_seq(r);
        r->dg.len = ims_dgram_register(r->key, want->hoa, seq, want->b, want->n, r->dg.buf, err,
                                       sizeof err);
    }
    mat_presign_drop(&r->pre);
    r->dg.pending = *want;
    r->dg.pending.seq = seq;
    r->last_seq = seq;   /* never reuse a number the IMS may have stored */
    r->dirty = 0;
    if (r->dg.len == 0) {
        dg_give_up(r, err);
        return;
    }
    if (fd < 0)
        fd = ims_socket_from(SOCK_DGRAM, src, mat_ifset_dev_of(r->ifs, src), r->cfg->ims_address,
                             r->cfg->ims_port, 0, err, sizeof err);
    if (fd < 0) {
        dg_give_up(r, err);
        return;
    }
    mat_dgram_start(&r->dg, fd, sent_at);
}

/* The registration over TLS, from src (the connection follows the active
 * address). */
static void send_tls(mat_register *r, const ims_mapping *want, const char *src)
{
    /* A registration still pending on the old address's connection is
     * abandoned with it: the new one supersedes it. */
    if (r->conn->ims && strcmp(src, r->conn->src) != 0)
        drop(r, want, "active address changed");
    if (r->pending_id)
        return;
    mat_dgram_close(&r->dg);   /* TLS carries the registration now */
    if (!r->conn->ims) {
        ims_client *c = mat_preopen_take(r->preopen, src);
        if (c)
            mat_conn_adopt(r->conn, c, src);
    }
    if (!r->conn->ims && mat_conn_open(r->conn, src, mat_ifset_dev_of(r->ifs, src)) < 0)
        return;
    char err[ROAM_ERR_MAX];
    uint64_t seq = next_seq(r);
    if (ims_client_register(r->conn->ims, r->key, want->hoa, seq, want->b, want->n,
                            &r->pending_id, err, sizeof err) < 0) {
        mat_register_conn_failed(r, want, err);
        return;
    }
    r->pending = *want;
    r->pending.seq = seq;
    r->pending_since = roam_now_ms();
    r->dirty = 0;
}

void mat_register_send(mat_register *r, const ims_mapping *want)
{
    int act = ims_mapping_active(want);
    if (!r->dirty || act < 0)
        return;
    if (r->unproven_until) {
        if (roam_now_ms() < r->unproven_until)
            return;
        r->unproven_until = 0;
    }
    char src[INET6_ADDRSTRLEN];
    ims_addr_str(want->b[act].moa, src, sizeof src);
    if (r->use_dgram && !r->dg_fallback)
        send_dgram(r, want, src);
    else
        send_tls(r, want, src);
}

void mat_register_presign(mat_register *r, const ims_mapping *w)
{
    if (!r->use_dgram || !w) {
        mat_presign_drop(&r->pre);
        return;
    }
    if (mat_presign_holds(&r->pre, w, r->last_seq))
        return;
    char src[INET6_ADDRSTRLEN];
    ims_addr_str(w->b[ims_mapping_active(w)].moa, src, sizeof src);
    mat_presign_make(&r->pre, r->key, w, next_seq(r), r->cfg, mat_ifset_dev_of(r->ifs, src));
}

int mat_register_send_ahead(mat_register *r)
{
    return mat_presign_send(&r->pre, r->last_seq);
}

/* The IMS stored registration p (sent at since, by how). */
static void acked(mat_register *r, const ims_mapping *want, const ims_mapping *p, int64_t since,
                  const char *how)
{
    r->acked = *p;
    r->last_seq = p->seq;
    r->unproven_until = 0;
    r->unproven_ms = 0;
    mat_conn_backoff_reset(r->conn);
    int64_t now = roam_now_ms();
    roam_log("IMS acknowledged seq %llu in %lld ms (%s)%s", (unsigned long long)p->seq,
            (long long)(now - since), how, r->switch_at ? " (switch)" : "");
    if (r->switch_at)
        roam_log("switch: rules to IMS acknowledgement %lld ms", (long long)(now - r->switch_at));
    r->switch_at = 0;
    r->dirty = !ims_mapping_same_bindings(&r->acked, want);
}

void mat_register_message(mat_register *r, const ims_mapping *want, const ims_message *msg)
{
    if (msg->id != r->pending_id || !r->pending_id)
        return;
    r->pending_id = 0;
    if (msg->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK) {
        r->dg_fallback = 0;   /* the next registration tries datagrams again */
        acked(r, want, &r->pending, r->pending_since, "TLS");
        return;
    }
    const Roam__Ims__V1__Error *e = msg->error;
    char text[IMS_ERRMSG_MAX + 1];
    ims_sanitize(e->message, text, sizeof text);
    r->dirty = 1;
    if (e->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_STALE_SEQ) {
        roam_log("IMS has seq %llu already: retrying above it", (unsigned long long)e->current_seq);
        r->last_seq = e->current_seq;
        return;
    }
    if (e->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_UNVERIFIED) {
        /* Its token went to the new address, which does not reach us (a
         * standby network before the move): datagrams carry tokens, so
         * the retry goes by datagram. */
        r->unproven_ms = r->unproven_ms ? r->unproven_ms * 2 : UNPROVEN_FIRST_MS;
        if (r->unproven_ms > UNPROVEN_MAX_MS)
            r->unproven_ms = UNPROVEN_MAX_MS;
        r->unproven_until = roam_now_ms() + r->unproven_ms;
        roam_log("IMS has not stored the registration: a new mobile address is not proven "
                 "yet (%s); trying again in %d ms", text, r->unproven_ms);
        r->dg_fallback = 0;
        return;
    }
    if (e->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_IN_USE)
        roam_log("IMS refused the registration: a mobile address of this node is registered "
                 "by another home address (%s); the IMS keeps the other mapping", text);
    else
        roam_log("IMS refused the registration: %s", text);
    /* A front-end that cannot reach its store (cut off from the etcd
     * quorum) refuses everything: another one may serve. */
    if (e->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_INTERNAL &&
        mat_conn_next(r->conn, "cannot store registrations")) {
        drop(r, want, "front-end cannot store registrations");
        return;
    }
    mat_conn_backoff(r->conn);
}

void mat_register_timer(mat_register *r)
{
    const char *why;
    if (mat_dgram_timer(&r->dg, &why) < 0)
        dg_give_up(r, why);
}

void mat_register_overdue(mat_register *r, const ims_mapping *want)
{
    if (r->pending_id && roam_now_ms() - r->pending_since > ANSWER_TIMEOUT_MS)
        mat_register_conn_failed(r, want, "no answer from the IMS");
}

static void lower(int64_t *due, int64_t t)
{
    if (t && (!*due || t < *due))
        *due = t;
}

void mat_register_due(const mat_register *r, int64_t *due)
{
    lower(due, mat_dgram_due(&r->dg));
    lower(due, r->confirm_by);
    lower(due, r->unproven_until);
}

void mat_register_dgram_event(mat_register *r, const ims_mapping *want)
{
    const char *why;
    int v = mat_dgram_readable(&r->dg, r->ims_pub, &why);
    if (v < 0)
        dg_give_up(r, why);
    else if (v > 0)
        acked(r, want, &r->dg.pending, r->dg.since, "datagram");
}

void mat_register_challenge_event(mat_register *r)
{
    for (int i = 0; i < 8 && r->chal_fd >= 0; i++) {
        uint8_t buf[IMS_DGRAM_MAX + 1];
        ssize_t n = recv(r->chal_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0)
            return;
        if (!mat_dgram_token(&r->dg, buf, (size_t)n))
            roam_debug("ignored a datagram on the challenge port");
    }
}
