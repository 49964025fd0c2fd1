/* roam-ims over real TLS on loopback with a real SQLite file (or, with
 * ROAM_IMS_TEST_BACKEND=etcd, a real one-member etcd cluster that the
 * store reaches over https with a client certificate): enrollment,
 * signed registration, forgery, replay, bad messages, queries, pushed
 * updates, persistence across a restart and across a SIGKILL right after
 * an acknowledgement; registration datagrams (accepted and acked with the
 * IMS's signature, retransmissions acked again, forged, replayed, tampered,
 * oversize and foreign datagrams refused without answer, forged acks
 * rejected); a MoA bound to one HoA at a time. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../proto/certs.h"
#include "deadline.h"
#include "errbuf.h"
#include "etcd_cluster.h"
#include "frame.h"
#include "ims_dgram.h"
#include "ims_fixture.h"
#include "ims_sign.h"
#include "mat_conn.h"
#include "sock.h"
#include "tap.h"


static uint8_t HOA[16], HOA2[16], MOA_A[16], MOA_B[16];

static void addrs(void)
{
    ims_addr_parse("2001:db8:d::10", HOA);
    ims_addr_parse("2001:db8:d::11", HOA2);
    ims_addr_parse("2001:db8:a::5", MOA_A);
    ims_addr_parse("2001:db8:b::5", MOA_B);
}

/* Register and wait for the answer; returns the answer (caller frees). */
static ims_message *reg(ims_client *c, EVP_PKEY *key, const uint8_t *hoa, uint64_t seq,
                        const ims_binding *b, size_t n)
{
    char err[ROAM_ERR_MAX];
    uint64_t id;
    ims_message *m = NULL;
    if (ims_client_register(c, key, hoa, seq, b, n, &id, err, sizeof err) < 0 ||
        ims_client_wait(c, id, &m, 3000, NULL, NULL, err, sizeof err) != 1) {
        tap_diag("register: %s", err);
        return NULL;
    }
    return m;
}

static int is_error(const ims_message *m, Roam__Ims__V1__ErrorCode code)
{
    return m && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ERROR && m->error->code == code;
}

static int is_ack(const ims_message *m, uint64_t seq)
{
    return m && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK && m->ack->seq == seq;
}

static int query(ims_client *c, const uint8_t *hoa, ims_mapping *out, int *known)
{
    char err[ROAM_ERR_MAX];
    uint64_t id;
    ims_message *m = NULL;
    if (ims_client_query(c, hoa, &id, err, sizeof err) < 0 ||
        ims_client_wait(c, id, &m, 3000, NULL, NULL, err, sizeof err) != 1) {
        tap_diag("query: %s", err);
        return -1;
    }
    int ok = m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING;
    if (ok) {
        ims_mapping_from_pb(m->mapping, out);
        *known = m->mapping->known;
    }
    ims_msg_free(m);
    return ok ? 0 : -1;
}

static void test_register(fixture *fx, EVP_PKEY *key, EVP_PKEY *evil)
{
    ims_client *c = fx_client(fx);
    tap_ok(c != NULL, "client connects over TLS 1.3");
    if (!c)
        return;
    ims_binding b[2] = { { .state = IMS_ACTIVE }, { .state = IMS_STANDBY } };
    memcpy(b[0].moa, MOA_A, 16);
    memcpy(b[1].moa, MOA_B, 16);

    ims_message *m = reg(c, key, HOA2, 1, b, 1);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_HOA),
           "registration for a HoA nobody enrolled is refused");
    ims_msg_free(m);

    m = reg(c, evil, HOA, 5, b, 1);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_SIGNATURE),
           "registration signed by another key is refused");
    ims_msg_free(m);

    m = reg(c, key, HOA, 10, b, 1);
    tap_ok(is_ack(m, 10), "owner's registration seq 10 acknowledged");
    ims_msg_free(m);

    m = reg(c, key, HOA, 10, b, 1);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_STALE_SEQ) &&
           m->error->current_seq == 10, "replay of seq 10 refused, current seq reported");
    ims_msg_free(m);

    m = reg(c, key, HOA, 9, b, 2);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_STALE_SEQ),
           "older seq 9 refused");
    ims_msg_free(m);

    /* A signature over different bindings: a man in the middle swapping
     * the active address. */
    uint8_t sig[IMS_SIG_LEN];
    char err[ROAM_ERR_MAX];
    ims_sign_register(key, HOA, 11, b, 1, sig, err, sizeof err);
    ims_binding swapped = { .state = IMS_ACTIVE };
    memcpy(swapped.moa, MOA_B, 16);
    ims_pb_register v;
    ims_pb_register_set(&v, HOA, 11, &swapped, 1, sig);
    ims_message rm = ROAM__IMS__V1__MESSAGE__INIT;
    rm.body_case = ROAM__IMS__V1__MESSAGE__BODY_REGISTER;
    rm.register_ = &v.r;
    uint64_t id;
    m = NULL;
    ims_client_send(c, &rm, &id, err, sizeof err);
    ims_client_wait(c, id, &m, 3000, NULL, NULL, err, sizeof err);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_SIGNATURE),
           "tampered bindings under a valid signature refused");
    ims_msg_free(m);

    ims_mapping q;
    int known = 0;
    tap_ok(query(c, HOA, &q, &known) == 0 && known && q.seq == 10 && q.n == 1 &&
           memcmp(q.b[0].moa, MOA_A, 16) == 0 && q.b[0].state == IMS_ACTIVE && q.updated_ms > 0,
           "query returns the stored mapping");
    tap_ok(query(c, HOA2, &q, &known) == 0 && !known, "query of an unknown HoA says unknown");
    ims_client_close(c);
}

/* Bound to the first HoA it registers and only: v (the victim, key)
 * holds MOA_V, x (another owner, evil) tries to take it. */
static void test_moa_unique(fixture *fx, EVP_PKEY *key, EVP_PKEY *evil,
                            const uint8_t key_pub[IMS_PUBKEY_LEN],
                            const uint8_t evil_pub[IMS_PUBKEY_LEN])
{
    char err[ROAM_ERR_MAX];
    uint8_t v[16], x[16];
    ims_addr_parse("2001:db8:d::20", v);
    ims_addr_parse("2001:db8:d::21", x);
    tap_ok(ims_store_enroll(fx->store, v, key_pub, err, sizeof err) == 0 &&
           ims_store_enroll(fx->store, x, evil_pub, err, sizeof err) == 0,
           "two more HoAs enrolled, two owners");
    ims_client *c = fx_client(fx);
    if (!c) {
        tap_ok(0, "client connects");
        return;
    }
    ims_binding vb = { .state = IMS_ACTIVE }, xb[2] = { { .state = IMS_ACTIVE },
                                                        { .state = IMS_STANDBY } };
    ims_addr_parse("2001:db8:a::20", vb.moa);
    memcpy(xb[0].moa, vb.moa, 16);
    ims_addr_parse("2001:db8:b::21", xb[1].moa);

    ims_message *m = reg(c, key, v, 1, &vb, 1);
    tap_ok(is_ack(m, 1), "victim registers its MoA");
    ims_msg_free(m);
    m = reg(c, evil, x, 1, xb, 1);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_IN_USE),
           "another HoA registering the victim's MoA is refused (%s)",
           m && m->error ? m->error->message : "no error");
    ims_msg_free(m);
    /* As a standby address beside one of its own, too. */
    ims_binding swap[2] = { xb[1], xb[0] };
    swap[0].state = IMS_ACTIVE;
    swap[1].state = IMS_STANDBY;
    m = reg(c, evil, x, 2, swap, 2);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_IN_USE),
           "nor as a standby address beside one of its own");
    ims_msg_free(m);
    ims_mapping q;
    int known = 0;
    tap_ok(query(c, v, &q, &known) == 0 && known && q.seq == 1 && q.n == 1 &&
           memcmp(q.b[0].moa, vb.moa, 16) == 0, "victim's mapping unchanged");
    tap_ok(query(c, x, &q, &known) == 0 && known && q.seq == 0 && q.n == 0,
           "the refused HoA has no bindings");

    m = reg(c, key, v, 2, &vb, 1);
    tap_ok(is_ack(m, 2), "the same MoA registered again with a higher sequence number");
    ims_msg_free(m);

    /* The victim moves on: its old MoA is free for someone else. */
    ims_binding moved = { .state = IMS_ACTIVE };
    ims_addr_parse("2001:db8:c::20", moved.moa);
    m = reg(c, key, v, 3, &moved, 1);
    tap_ok(is_ack(m, 3), "victim moves to a new MoA");
    ims_msg_free(m);
    m = reg(c, evil, x, 3, xb, 2);
    tap_ok(is_ack(m, 3), "its old MoA is then free for another HoA");
    ims_msg_free(m);
    m = reg(c, key, v, 4, &vb, 1);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_IN_USE),
           "and no longer the first HoA's to take back");
    ims_msg_free(m);

    /* A revoked HoA's MoAs are free again. */
    tap_eq(ims_store_revoke(fx->store, x, err, sizeof err), 1, "the other HoA revoked");
    m = reg(c, key, v, 5, &vb, 1);
    tap_ok(is_ack(m, 5), "the revoked HoA's MoA can be registered again");
    ims_msg_free(m);
    tap_ok(ims_store_enroll(fx->store, x, evil_pub, err, sizeof err) == 0, "re-enrolled");
    m = reg(c, evil, x, 6, xb, 1);
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_IN_USE),
           "and is then bound to its new holder");
    ims_msg_free(m);
    ims_client_close(c);
}

/* Raw frames the client library would never send. */
static void test_bad_messages(fixture *fx)
{
    char err[ROAM_ERR_MAX];
    int fd = roam_tcp_connect("::1", fx->port, 3000, err, sizeof err);
    roam_tls_conn *t = fd >= 0 ? roam_tls_connect(fx->client_tls, fd, "::1", 3000, err,
                                                  sizeof err) : NULL;
    tap_ok(t != NULL, "raw TLS connection");
    if (!t)
        return;
    roam_stream s = roam_tls_stream(t);
    const uint8_t junk[] = { 0xff, 0xff, 0xff, 0x01, 0x02 };
    uint8_t *p = NULL;
    size_t n = 0;
    ims_message *m = NULL;
    int got = roam_frame_write(&s, junk, sizeof junk, 2000, err, sizeof err) == ROAM_OK &&
              roam_frame_read(&s, &p, &n, 2000, err, sizeof err) == ROAM_OK &&
              ims_msg_decode(p, n, &m, err, sizeof err) == 0;
    tap_ok(got && is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_MESSAGE),
           "garbage frame answered with BAD_MESSAGE");
    free(p);
    ims_msg_free(m);

    /* Two active addresses: decodes, breaks a rule. */
    ims_binding b[2] = { { .state = IMS_ACTIVE }, { .state = IMS_ACTIVE } };
    memcpy(b[0].moa, MOA_A, 16);
    memcpy(b[1].moa, MOA_B, 16);
    uint8_t sig[IMS_SIG_LEN] = { 0 };
    ims_pb_register v;
    ims_pb_register_set(&v, HOA, 99, b, 2, sig);
    ims_message rm = ROAM__IMS__V1__MESSAGE__INIT;
    rm.version = 1;
    rm.body_case = ROAM__IMS__V1__MESSAGE__BODY_REGISTER;
    rm.register_ = &v.r;
    uint8_t buf[IMS_FRAME_MAX];
    size_t len = roam__ims__v1__message__pack(&rm, buf);
    p = NULL;
    m = NULL;
    got = roam_frame_write(&s, buf, len, 2000, err, sizeof err) == ROAM_OK &&
          roam_frame_read(&s, &p, &n, 2000, err, sizeof err) == ROAM_OK &&
          ims_msg_decode(p, n, &m, err, sizeof err) == 0;
    tap_ok(got && is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_MESSAGE),
           "two active addresses refused as BAD_MESSAGE");
    free(p);
    ims_msg_free(m);

    /* A length far above the limit: error, then the server hangs up. */
    const uint8_t huge[4] = { 0x7f, 0xff, 0xff, 0xff };
    p = NULL;
    m = NULL;
    got = roam_stream_write_full(&s, huge, 4, roam_deadline(2000), err, sizeof err) == 0 &&
          roam_frame_read(&s, &p, &n, 2000, err, sizeof err) == ROAM_OK &&
          ims_msg_decode(p, n, &m, err, sizeof err) == 0;
    tap_ok(got && is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_MESSAGE),
           "oversize frame length answered with an error");
    free(p);
    ims_msg_free(m);
    p = NULL;
    roam_status st = roam_frame_read(&s, &p, &n, 2000, err, sizeof err);
    tap_ok(st == ROAM_CLOSED || st == ROAM_EIO, "and the connection is closed (%s)",
           roam_status_name(st));
    free(p);
    roam_tls_close(t, 0);

    ims_client *c = fx_client(fx);
    ims_mapping q;
    int known = 0;
    tap_ok(c && query(c, HOA, &q, &known) == 0 && known, "server still serves afterwards");
    ims_client_close(c);
}

static void test_push(fixture *fx, EVP_PKEY *key)
{
    char err[ROAM_ERR_MAX];
    ims_client *sub = fx_client(fx), *mn = fx_client(fx);
    tap_ok(sub && mn, "subscriber and mobile node connected");
    if (!sub || !mn)
        goto out;
    uint8_t hoas[2][16];
    memcpy(hoas[0], HOA, 16);
    memcpy(hoas[1], HOA2, 16);
    uint64_t id;
    ims_message *m;
    int mappings = 0, acked = 0;
    if (ims_client_subscribe(sub, (const uint8_t (*)[16])hoas, 2, &id, err, sizeof err) == 0) {
        while (!acked && ims_client_recv(sub, &m, 3000, err, sizeof err) == 1) {
            if (m->id == id && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING)
                mappings++;
            acked = m->id == id && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK;
            ims_msg_free(m);
        }
    }
    tap_ok(acked && mappings == 2, "subscribe answered with the current mappings, then Ack");

    ims_binding b[2] = { { .state = IMS_STANDBY }, { .state = IMS_ACTIVE } };
    memcpy(b[0].moa, MOA_A, 16);
    memcpy(b[1].moa, MOA_B, 16);
    int64_t t0 = roam_now_ms();
    m = reg(mn, key, HOA, 20, b, 2);
    tap_ok(is_ack(m, 20), "switch registered");
    ims_msg_free(m);
    m = NULL;
    int r = ims_client_recv(sub, &m, 2000, err, sizeof err);
    int64_t dt = roam_now_ms() - t0;
    ims_mapping got;
    if (r == 1 && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING)
        ims_mapping_from_pb(m->mapping, &got);
    int act = r == 1 && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING
                  ? ims_mapping_active(&got) : -1;
    tap_ok(r == 1 && m->id == 0 && act >= 0 && memcmp(got.b[act].moa, MOA_B, 16) == 0 &&
           got.seq == 20, "subscriber got the push with the new active address");
    tap_diag("register -> push received: %lld ms", (long long)dt);
    ims_msg_free(m);
    m = NULL;
    tap_eq(ims_client_recv(sub, &m, 0, err, sizeof err), 0, "exactly one push");
    ims_msg_free(m);
out:
    ims_client_close(sub);
    ims_client_close(mn);
}

static void test_restart(fixture *fx, EVP_PKEY *key)
{
    fx_stop(fx);
    tap_eq(fx_start(fx, 0), 0, "server restarted on the same database");
    ims_client *c = fx_client(fx);
    ims_mapping q;
    int known = 0;
    tap_ok(c && query(c, HOA, &q, &known) == 0 && known && q.seq == 20 && q.n == 2 &&
           q.b[1].state == IMS_ACTIVE && memcmp(q.b[1].moa, MOA_B, 16) == 0,
           "mapping survived the restart");
    ims_binding b = { .state = IMS_ACTIVE };
    memcpy(b.moa, MOA_A, 16);
    ims_message *m = c ? reg(c, key, HOA, 20, &b, 1) : NULL;
    tap_ok(is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_STALE_SEQ),
           "replay still refused after the restart");
    ims_msg_free(m);
    ims_client_close(c);
}

/* The server in a child process, killed with SIGKILL right after it
 * acknowledged: the acknowledged update must be in the database. */
static void test_crash(fixture *fx, EVP_PKEY *key)
{
    fx_stop(fx);
    int pfd[2];
    if (pipe(pfd) < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        char err[ROAM_ERR_MAX];
        ims_store *st = fx_open_store(fx, err, sizeof err);
        ims_server_config cfg;
        ims_server_config_defaults(&cfg);
        cfg.listen = "::1";
        cfg.port = "0";
        cfg.cert = fx->cert;
        cfg.key = fx->key;
        cfg.open_queries = 1;
        ims_server *s = st ? ims_server_new(&cfg, st, err, sizeof err) : NULL;
        int port = s ? ims_server_port(s) : -1;
        if (write(pfd[1], &port, sizeof port) != sizeof port || !s)
            _exit(1);
        ims_server_run(s, err, sizeof err);
        _exit(0);
    }
    close(pfd[1]);
    int port = -1;
    if (read(pfd[0], &port, sizeof port) != sizeof port)
        port = -1;
    close(pfd[0]);
    snprintf(fx->port, sizeof fx->port, "%d", port);
    ims_client *c = port > 0 ? fx_client(fx) : NULL;
    ims_binding b = { .state = IMS_ACTIVE };
    memcpy(b.moa, MOA_A, 16);
    ims_message *m = c ? reg(c, key, HOA, 30, &b, 1) : NULL;
    kill(pid, SIGKILL);   /* at once, before anything could be tidied up */
    waitpid(pid, NULL, 0);
    tap_ok(is_ack(m, 30), "child server acknowledged seq 30, then got SIGKILL");
    ims_msg_free(m);
    ims_client_close(c);
    char err[ROAM_ERR_MAX];
    ims_store *st = fx_open_store(fx, err, sizeof err);
    ims_mapping q;
    tap_ok(st && ims_store_get(st, HOA, &q, NULL, err, sizeof err) == 1 && q.seq == 30 &&
           q.n == 1 && memcmp(q.b[0].moa, MOA_A, 16) == 0,
           "acknowledged update is in the database after the crash");
    ims_store_close(st);
}

static void test_limits(fixture *fx)
{
    fx_stop(fx);
    tap_eq(fx_start(fx, 2), 0, "server with max_connections = 2");
    ims_client *a = fx_client(fx), *b = fx_client(fx);
    ims_mapping q;
    int known;
    tap_ok(a && b && query(a, HOA, &q, &known) == 0 && query(b, HOA, &q, &known) == 0,
           "two connections served");
    char err[ROAM_ERR_MAX];
    ims_client *c = ims_client_connect(fx->client_tls, "::1", fx->port, NULL, NULL, NULL, 2000,
                                       err, sizeof err);
    int refused = !c || query(c, HOA, &q, &known) < 0;
    tap_ok(refused, "a third is refused");
    ims_client_close(c);
    ims_client_close(a);
    usleep(100 * 1000);   /* let the loop see the close */
    c = fx_client(fx);
    tap_ok(c && query(c, HOA, &q, &known) == 0, "after one closes, a new one is served");
    ims_client_close(c);
    ims_client_close(b);
}

/* Idle connections that hold no subscription are closed after
 * idle_timeout_ms (a silent one right after its handshake too); a
 * subscriber stays, and the server keeps serving. */
static void test_idle(fixture *fx)
{
    fx_stop(fx);
    fx->idle_timeout_ms = 400;
    tap_eq(fx_start(fx, 0), 0, "server with idle_timeout_ms = 400");
    ims_client *asked = fx_client(fx), *silent = fx_client(fx), *sub = fx_client(fx);
    ims_mapping q;
    int known;
    char err[ROAM_ERR_MAX];
    uint64_t id;
    ims_message *m = NULL;
    int acked = 0;
    if (sub && ims_client_subscribe(sub, (const uint8_t (*)[16])HOA, 1, &id, err,
                                    sizeof err) == 0)
        while (!acked && ims_client_wait(sub, id, &m, 3000, NULL, NULL, err, sizeof err) == 1) {
            acked = m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK;
            ims_msg_free(m);
        }
    tap_ok(asked && silent && acked && query(asked, HOA, &q, &known) == 0,
           "three connections: one asks, one is silent, one subscribes");
    usleep(1000 * 1000);
    m = NULL;
    int r1 = asked ? ims_client_recv(asked, &m, 500, err, sizeof err) : 0;
    ims_msg_free(m);
    m = NULL;
    int r2 = silent ? ims_client_recv(silent, &m, 500, err, sizeof err) : 0;
    ims_msg_free(m);
    tap_ok(r1 < 0 && r2 < 0, "after the idle timeout both are closed (%s)", err);
    tap_ok(sub && query(sub, HOA, &q, &known) == 0, "the subscriber is kept and served");
    ims_client *fresh = fx_client(fx);
    tap_ok(fresh && query(fresh, HOA, &q, &known) == 0, "a new connection is served");
    ims_client_close(fresh);
    ims_client_close(asked);
    ims_client_close(silent);
    ims_client_close(sub);
    fx->idle_timeout_ms = 0;

    /* One source (all of these come from ::1) holds at most max_per_source. */
    fx_stop(fx);
    fx->max_per_source = 2;
    tap_eq(fx_start(fx, 0), 0, "server with max_per_source = 2");
    ims_client *a = fx_client(fx), *b = fx_client(fx);
    ims_client *c = ims_client_connect(fx->client_tls, "::1", fx->port, NULL, NULL, NULL, 2000,
                                       err, sizeof err);
    tap_ok(a && b && (!c || query(c, HOA, &q, &known) < 0),
           "a third connection from the same source is refused");
    ims_client_close(c);
    ims_client_close(a);
    usleep(100 * 1000);
    c = fx_client(fx);
    tap_ok(c && query(c, HOA, &q, &known) == 0, "after one closes, the source is served again");
    ims_client_close(c);
    ims_client_close(b);
    fx->max_per_source = 0;
}

/* By default Query and Subscribe need a client certificate; registrations
 * (signed by their owner) do not. */
static void test_closed_queries(fixture *fx)
{
    fx_stop(fx);
    fx->closed_queries = 1;
    tap_eq(fx_start(fx, 0), 0, "server with the default: no anonymous queries");
    ims_client *c = fx_client(fx);
    char err[ROAM_ERR_MAX];
    uint64_t id;
    ims_message *m = NULL;
    int q = c && ims_client_query(c, HOA, &id, err, sizeof err) == 0 &&
            ims_client_wait(c, id, &m, 3000, NULL, NULL, err, sizeof err) == 1 &&
            is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED);
    ims_msg_free(m);
    m = NULL;
    tap_ok(q, "a query without a client certificate is refused (UNAUTHENTICATED)");
    q = c && ims_client_subscribe(c, (const uint8_t (*)[16])HOA, 1, &id, err, sizeof err) == 0 &&
        ims_client_wait(c, id, &m, 3000, NULL, NULL, err, sizeof err) == 1 &&
        is_error(m, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED);
    ims_msg_free(m);
    tap_ok(q, "and so is a subscription");
    ims_client_close(c);
    fx_stop(fx);
    fx->closed_queries = 0;
    tap_eq(fx_start(fx, 0), 0, "server with open_queries again");
}

/* A Query padded with unknown fields: a few are tolerated as before, a
 * flood is refused before protobuf-c keeps a copy of each. */
static void test_unknown_flood(void)
{
    uint8_t buf[IMS_FRAME_MAX];
    size_t n = 0;
    buf[n++] = 0x08;                      /* version */
    buf[n++] = IMS_PROTO_VERSION;
    size_t q = n;
    buf[n++] = 0;                         /* the Query's tag, set below */
    buf[n++] = 0;                         /* its length, set below */
    buf[n++] = 0x0a;                      /* Query.hoa */
    buf[n++] = 16;
    memcpy(buf + n, HOA, 16);
    n += 16;
    size_t unknown_start = n;
    for (int i = 0; i < 40; i++) {        /* field 9, varint 0 */
        buf[n++] = 9 << 3;
        buf[n++] = 0;
    }
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(
        &roam__ims__v1__message__descriptor, "query");
    buf[q] = (uint8_t)(f->id << 3 | 2);
    buf[q + 1] = (uint8_t)(n - q - 2);
    ims_message *m = NULL;
    char err[ROAM_ERR_MAX];
    int r = ims_msg_decode(buf, n, &m, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "unknown"), "a Query with 40 unknown fields refused (%s)", err);
    ims_msg_free(m);
    m = NULL;
    n = unknown_start + 2 * 4;
    buf[q + 1] = (uint8_t)(n - q - 2);
    r = ims_msg_decode(buf, n, &m, err, sizeof err);
    tap_ok(r == 0 && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_QUERY,
           "a Query with 4 unknown fields decodes as before (%s)", r ? err : "ok");
    ims_msg_free(m);
}

/* A UDP socket connected to the fixture's server. */
static int udp_to(const fixture *fx)
{
    struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)atoi(fx->port)) };
    inet_pton(AF_INET6, "::1", &dst.sin6_addr);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Send buf, wait up to ms for one answer into ans.  Its length, or 0. */
static size_t udp_ask(int fd, const uint8_t *buf, size_t len, uint8_t *ans, size_t cap, int ms)
{
    if (send(fd, buf, len, 0) != (ssize_t)len)
        return 0;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, ms) != 1)
        return 0;
    ssize_t n = recv(fd, ans, cap, MSG_DONTWAIT);
    return n > 0 ? (size_t)n : 0;
}

static uint64_t stored_seq(fixture *fx)
{
    ims_client *c = fx_client(fx);
    ims_mapping q;
    int known = 0;
    uint64_t seq = c && query(c, HOA, &q, &known) == 0 && known ? q.seq : 0;
    ims_client_close(c);
    return seq;
}

static void test_dgram(fixture *fx, EVP_PKEY *key, EVP_PKEY *evil, EVP_PKEY *ack_key,
                       const uint8_t ack_pub[IMS_PUBKEY_LEN])
{
    char err[ROAM_ERR_MAX];
    int fd = udp_to(fx);
    tap_ok(fd >= 0, "UDP socket to the IMS's port");
    uint64_t base = stored_seq(fx) + 100;
    ims_mapping p = { .seq = base, .n = 2 };
    memcpy(p.hoa, HOA, 16);
    memcpy(p.b[0].moa, MOA_B, 16);
    p.b[0].state = IMS_ACTIVE;
    memcpy(p.b[1].moa, MOA_A, 16);
    p.b[1].state = IMS_STANDBY;
    uint8_t d[IMS_DGRAM_MAX], ans[IMS_DGRAM_MAX + 1];
    size_t dn = ims_dgram_register(key, HOA, p.seq, p.b, p.n, d, err, sizeof err);
    size_t an = dn ? udp_ask(fd, d, dn, ans, sizeof ans, 2000) : 0;
    tap_ok(an > 0 && ims_dgram_ack_ok(ans, an, ack_pub, &p, err, sizeof err) == 1,
           "registration datagram stored and acknowledged with the IMS's signature (%s)",
           an ? "ack" : err);
    tap_eq(stored_seq(fx), base, "the IMS holds the datagram's sequence number");
    an = udp_ask(fd, d, dn, ans, sizeof ans, 2000);
    tap_ok(an > 0 && ims_dgram_ack_ok(ans, an, ack_pub, &p, err, sizeof err) == 1 &&
           stored_seq(fx) == base, "a retransmission is acknowledged again, nothing changes");

    /* Acknowledgements the mobile node must not believe. */
    uint8_t evil_pub[IMS_PUBKEY_LEN];
    uint8_t f[IMS_DGRAM_MAX];
    size_t fn = ims_dgram_ack(evil, &p, f, err, sizeof err);
    tap_ok(ims_key_raw_public(evil, evil_pub) == 0 && fn > 0 &&
           ims_dgram_ack_ok(f, fn, ack_pub, &p, err, sizeof err) == 0,
           "an ack signed by another key is rejected (%s)", err);
    ims_mapping other = p;
    other.seq = base + 1;
    fn = ims_dgram_ack(ack_key, &other, f, err, sizeof err);
    tap_ok(fn > 0 && ims_dgram_ack_ok(f, fn, ack_pub, &p, err, sizeof err) == 0,
           "an IMS ack for another sequence number is rejected (%s)", err);
    other = p;
    other.b[0].state = IMS_STANDBY;
    other.b[1].state = IMS_ACTIVE;
    fn = ims_dgram_ack(ack_key, &other, f, err, sizeof err);
    tap_ok(fn > 0 && ims_dgram_ack_ok(f, fn, ack_pub, &p, err, sizeof err) == 0,
           "an IMS ack for other bindings is rejected (%s)", err);
    Roam__Ims__V1__Ack bare = ROAM__IMS__V1__ACK__INIT;
    bare.seq = p.seq;
    ims_message bm = ROAM__IMS__V1__MESSAGE__INIT;
    bm.body_case = ROAM__IMS__V1__MESSAGE__BODY_ACK;
    bm.ack = &bare;
    fn = ims_dgram_encode(&bm, f, err, sizeof err);
    tap_ok(fn > 0 && ims_dgram_ack_ok(f, fn, ack_pub, &p, err, sizeof err) == 0,
           "an unsigned ack is rejected (%s)", err);
    fn = ims_dgram_ack(ack_key, &p, f, err, sizeof err);
    int flipped = 1;
    for (size_t i = 0; fn && i < fn; i++) {   /* every single-bit change of a good ack */
        f[i] ^= 0x01;
        if (ims_dgram_ack_ok(f, fn, ack_pub, &p, err, sizeof err) == 1)
            flipped = 0;
        f[i] ^= 0x01;
    }
    tap_ok(fn && flipped && ims_dgram_ack_ok(f, fn, ack_pub, &p, err, sizeof err) == 1,
           "every one-bit change of a good ack is rejected");

    /* Registrations the IMS must refuse, silently. */
    ims_binding one = { .state = IMS_ACTIVE };
    memcpy(one.moa, MOA_A, 16);
    dn = ims_dgram_register(evil, HOA, base + 1, &one, 1, d, err, sizeof err);
    tap_ok(dn && udp_ask(fd, d, dn, ans, sizeof ans, 300) == 0 && stored_seq(fx) == base,
           "forged registration datagram refused without answer");
    dn = ims_dgram_register(key, HOA, base - 1, &one, 1, d, err, sizeof err);
    tap_ok(dn && udp_ask(fd, d, dn, ans, sizeof ans, 300) == 0 && stored_seq(fx) == base,
           "replayed (older) registration datagram refused");
    dn = ims_dgram_register(key, HOA, base + 2, &one, 1, d, err, sizeof err);
    int silent = dn > 0;
    for (size_t i = 0; silent && i < dn; i += 7) {   /* tampered anywhere */
        d[i] ^= 0x20;
        silent = udp_ask(fd, d, dn, ans, sizeof ans, 100) == 0;
        d[i] ^= 0x20;
    }
    tap_ok(silent && stored_seq(fx) == base, "tampered registration datagrams refused");
    static uint8_t big[IMS_DGRAM_MAX * 2];
    memset(big, 0x0a, sizeof big);
    memcpy(big, d, dn);
    tap_ok(udp_ask(fd, big, sizeof big, ans, sizeof ans, 300) == 0 &&
           udp_ask(fd, big, IMS_DGRAM_MAX + 1, ans, sizeof ans, 300) == 0 &&
           udp_ask(fd, (const uint8_t *)"\xff\xff\xff", 3, ans, sizeof ans, 300) == 0,
           "oversize and garbage datagrams refused");
    Roam__Ims__V1__Query qq = ROAM__IMS__V1__QUERY__INIT;
    qq.hoa.data = HOA;
    qq.hoa.len = 16;
    ims_message qm = ROAM__IMS__V1__MESSAGE__INIT;
    qm.body_case = ROAM__IMS__V1__MESSAGE__BODY_QUERY;
    qm.query = &qq;
    fn = ims_dgram_encode(&qm, f, err, sizeof err);
    tap_ok(fn && udp_ask(fd, f, fn, ans, sizeof ans, 300) == 0, "a query datagram gets no answer");
    uint8_t unk[16];
    ims_addr_parse("2001:db8:d::99", unk);
    dn = ims_dgram_register(key, unk, base + 3, &one, 1, d, err, sizeof err);
    tap_ok(dn && udp_ask(fd, d, dn, ans, sizeof ans, 300) == 0,
           "registration datagram for an unknown HoA refused");

    /* Still serving, and what was stored is right. */
    p.seq = base + 4;
    p.n = 1;
    dn = ims_dgram_register(key, HOA, p.seq, p.b, p.n, d, err, sizeof err);
    an = dn ? udp_ask(fd, d, dn, ans, sizeof ans, 2000) : 0;
    tap_ok(an && ims_dgram_ack_ok(ans, an, ack_pub, &p, err, sizeof err) == 1 &&
           stored_seq(fx) == base + 4, "afterwards a good datagram is acknowledged");
    close(fd);
}

/* roam-mat's connection with fallback front-ends: the first (IPv4
 * loopback, where nothing listens on the server's port) refuses, the next
 * (::1) is used at once, without a back-off. */
static void test_failover(fixture *fx)
{
    mat_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.ims_address, sizeof cfg.ims_address, "127.0.0.1");
    snprintf(cfg.ims_fallback[0], sizeof cfg.ims_fallback[0], "::1");
    cfg.n_fallback = 1;
    snprintf(cfg.ims_port, sizeof cfg.ims_port, "%s", fx->port);
    cfg.connect_timeout_ms = 2000;
    cfg.retry_max_ms = 5000;
    mat_conn c = { .cfg = &cfg, .tls = fx->client_tls };
    int first = mat_conn_open(&c, NULL, NULL);
    tap_ok(first < 0 && !c.ims && c.retry_at == 0 && strcmp(mat_conn_host(&c), "::1") == 0,
           "the first front-end refuses: the next one is up at once");
    tap_ok(mat_conn_open(&c, NULL, NULL) == 0 && c.ims, "connected to the fallback front-end");
    mat_conn_close(&c, "test");
    tap_ok(mat_conn_next(&c, "test") == 1 && strcmp(mat_conn_host(&c), "127.0.0.1") == 0,
           "after the last front-end comes the first again");
    tap_ok(mat_conn_open(&c, NULL, NULL) < 0 && mat_conn_open(&c, NULL, NULL) == 0,
           "a front-end that stops answering is left for the next");
    mat_conn_close(&c, "test");
    cfg.n_fallback = 0;
    c = (mat_conn){ .cfg = &cfg, .tls = fx->client_tls };
    tap_ok(mat_conn_open(&c, NULL, NULL) < 0 && c.retry_at > 0,
           "without fallbacks a refusal backs off as before");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    addrs();
    /* ROAM_IMS_TEST_BACKEND=etcd: the same tests on a one-member etcd
     * cluster of the test's own. */
    const char *backend = getenv("ROAM_IMS_TEST_BACKEND");
    int etcd = backend && strcmp(backend, "etcd") == 0;
    if (etcd && !ec_available()) {
        printf("1..0 # SKIP etcd is not installed\n");
        return 0;
    }
    fixture fx;
    if (fx_init(&fx) < 0) {
        tap_ok(0, "fixture");
        return tap_done();
    }
    char err[ROAM_ERR_MAX];
    etcd_cluster ec = { 0 };
    if (etcd) {
        int bare_refused = 0;
        int ok = fx_etcd_start(&fx, &ec, 0, &bare_refused) == 0;
        tap_ok(ok, "one-member etcd cluster on port %d (https, client certificates)", ec.base);
        if (!ok) {
            fx_done(&fx);
            return tap_done();
        }
        tap_ok(bare_refused, "without a client certificate etcd refuses the store");
    }
    char priv[300], pub[300], epriv[300], epub[300];
    fx_path(&fx, "mn.key", priv, sizeof priv);
    fx_path(&fx, "mn.pub", pub, sizeof pub);
    fx_path(&fx, "evil.key", epriv, sizeof epriv);
    fx_path(&fx, "evil.pub", epub, sizeof epub);
    tap_ok(ims_key_generate(priv, pub, err, sizeof err) == 0 &&
           ims_key_generate(epriv, epub, err, sizeof err) == 0, "Ed25519 key pairs generated");
    tap_ok(ims_key_generate(priv, pub, err, sizeof err) < 0, "an existing key is never overwritten");
    EVP_PKEY *key = ims_key_load_private(priv, err, sizeof err);
    EVP_PKEY *evil = ims_key_load_private(epriv, err, sizeof err);
    uint8_t raw[IMS_PUBKEY_LEN];
    tap_ok(key && evil && ims_key_load_public(pub, raw, err, sizeof err) == 0, "keys load");
    char apub[300];
    uint8_t ack_raw[IMS_PUBKEY_LEN];
    fx_path(&fx, "ims-ack.key", fx.ack_key, sizeof fx.ack_key);
    fx_path(&fx, "ims-ack.pub", apub, sizeof apub);
    EVP_PKEY *ack_key = ims_key_generate(fx.ack_key, apub, err, sizeof err) == 0
                            ? ims_key_load_private(fx.ack_key, err, sizeof err) : NULL;
    tap_ok(ack_key && ims_key_load_public(apub, ack_raw, err, sizeof err) == 0,
           "IMS acknowledgement key pair");

    tap_eq(fx_start(&fx, 0), 0, "server started on port %s", fx.port);
    tap_eq(ims_store_enroll(fx.store, HOA, raw, err, sizeof err), 0, "HoA enrolled");
    uint8_t ll[16];
    ims_addr_parse("fe80::1", ll);
    tap_ok(ims_store_enroll(fx.store, ll, raw, err, sizeof err) < 0,
           "a link-local HoA cannot be enrolled");

    test_register(&fx, key, evil);
    uint8_t evil_raw[IMS_PUBKEY_LEN];
    tap_ok(ims_key_load_public(epub, evil_raw, err, sizeof err) == 0, "second public key loads");
    test_moa_unique(&fx, key, evil, raw, evil_raw);
    test_bad_messages(&fx);
    test_push(&fx, key);
    test_restart(&fx, key);
    test_crash(&fx, key);
    test_limits(&fx);
    test_idle(&fx);
    test_closed_queries(&fx);
    test_unknown_flood();
    test_dgram(&fx, key, evil, ack_key, ack_raw);
    test_failover(&fx);

    EVP_PKEY_free(key);
    EVP_PKEY_free(evil);
    EVP_PKEY_free(ack_key);
    fx_stop(&fx);
    ec_stop(&ec);
    fx_done(&fx);
    return tap_done();
}
