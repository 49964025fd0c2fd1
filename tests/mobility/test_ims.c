/* roam-ims over real TLS on loopback with a real SQLite file: enrollment,
 * signed registration, forgery, replay, bad messages, queries, pushed
 * updates, persistence across a restart and across a SIGKILL right after
 * an acknowledgement. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "frame.h"
#include "ims_fixture.h"
#include "ims_sign.h"
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
    tap_ok(ims_client_recv(sub, &m, 0, err, sizeof err) == 0, "exactly one push");
    ims_msg_free(m);
out:
    ims_client_close(sub);
    ims_client_close(mn);
}

static void test_restart(fixture *fx, EVP_PKEY *key)
{
    fx_stop(fx);
    tap_ok(fx_start(fx, 0) == 0, "server restarted on the same database");
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
        ims_store *st = ims_store_open(fx->db, err, sizeof err);
        ims_server_config cfg;
        ims_server_config_defaults(&cfg);
        cfg.listen = "::1";
        cfg.port = "0";
        cfg.cert = fx->cert;
        cfg.key = fx->key;
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
    ims_store *st = ims_store_open(fx->db, err, sizeof err);
    ims_mapping q;
    tap_ok(st && ims_store_get(st, HOA, &q, NULL, err, sizeof err) == 1 && q.seq == 30 &&
           q.n == 1 && memcmp(q.b[0].moa, MOA_A, 16) == 0,
           "acknowledged update is in the database after the crash");
    ims_store_close(st);
}

static void test_limits(fixture *fx)
{
    fx_stop(fx);
    tap_ok(fx_start(fx, 2) == 0, "server with max_connections = 2");
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

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    addrs();
    fixture fx;
    if (fx_init(&fx) < 0) {
        tap_ok(0, "fixture");
        return tap_done();
    }
    char err[ROAM_ERR_MAX], priv[300], pub[300], epriv[300], epub[300];
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

    tap_ok(fx_start(&fx, 0) == 0, "server started on port %s", fx.port);
    tap_ok(ims_store_enroll(fx.store, HOA, raw, err, sizeof err) == 0, "HoA enrolled");
    uint8_t ll[16];
    ims_addr_parse("fe80::1", ll);
    tap_ok(ims_store_enroll(fx.store, ll, raw, err, sizeof err) < 0,
           "a link-local HoA cannot be enrolled");

    test_register(&fx, key, evil);
    test_bad_messages(&fx);
    test_push(&fx, key);
    test_restart(&fx, key);
    test_crash(&fx, key);
    test_limits(&fx);

    EVP_PKEY_free(key);
    EVP_PKEY_free(evil);
    fx_done(&fx);
    return tap_done();
}
