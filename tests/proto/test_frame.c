/* Framing and message layer over a socketpair: round trips, and every kind
 * of bad input a peer can send (truncated, oversize, zero-length, garbage,
 * other version, unknown fields, broken field rules, stalls). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "frame.h"
#include "msg.h"
#include "tap.h"
#include "wire_limits.h"

static int sv[2];
static roam_stream a, b;   /* a writes, b reads (either way works) */
static char err[ROAM_ERR_MAX];

static void fresh_pair(void)
{
    if (sv[0] > 0) {
        close(sv[0]);
        close(sv[1]);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        perror("socketpair");
        exit(2);
    }
    a = roam_stream_socket(sv[0]);
    b = roam_stream_socket(sv[1]);
}

/* Put bytes on the wire as a misbehaving peer would. */
static void raw(const void *p, size_t n)
{
    if (write(sv[0], p, n) != (ssize_t)n)
        tap_diag("raw write of %zu bytes failed", n);
}

static uint8_t qid[ROAM_QUERY_ID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static void fill_auth(roam_envelope *env, Roam__V1__Authenticate *au)
{
    roam__v1__authenticate__init(au);
    au->role = ROAM__V1__ROLE__ROLE_MIGRATE;
    au->vm = "vm1";
    au->src = "src.example";
    au->dst = "dst.example";
    au->query_id.data = qid;
    au->query_id.len = sizeof qid;
    roam__v1__envelope__init(env);
    env->body_case = ROAM__V1__ENVELOPE__BODY_AUTHENTICATE;
    env->authenticate = au;
}

/* Pack env as-is (no version stamping, no validation) and send it raw. */
static void send_raw_env(const roam_envelope *env, const uint8_t *extra, size_t extra_len)
{
    size_t n = roam__v1__envelope__get_packed_size(env);
    uint8_t *buf = malloc(n + extra_len);
    if (!buf)
        exit(2);
    roam__v1__envelope__pack(env, buf);
    if (extra_len)
        memcpy(buf + n, extra, extra_len);
    if (roam_frame_write(&a, buf, n + extra_len, 1000, err, sizeof err) != ROAM_OK)
        tap_diag("raw send failed: %s", err);
    free(buf);
}

static roam_status recv_status(void)
{
    roam_envelope *env = NULL;
    roam_status st = roam_msg_recv(&b, &env, 1000, err, sizeof err);
    roam_msg_free(env);
    return st;
}

static void test_round_trip(void)
{
    fresh_pair();
    roam_envelope env;
    Roam__V1__Authenticate au;
    fill_auth(&env, &au);
    roam_status st = roam_msg_send(&a, &env, 1000, err, sizeof err);
    tap_eq(st, ROAM_OK, "send authenticate (%s)", st ? err : "ok");
    roam_envelope *got = NULL;
    st = roam_msg_expect(&b, ROAM__V1__ENVELOPE__BODY_AUTHENTICATE, &got, 1000, err, sizeof err);
    tap_eq(st, ROAM_OK, "receive authenticate (%s)", st ? err : "ok");
    tap_ok(got && got->version == ROAM_PROTO_VERSION, "version stamped");
    tap_ok(got && got->authenticate->role == ROAM__V1__ROLE__ROLE_MIGRATE &&
           strcmp(got->authenticate->vm, "vm1") == 0 &&
           strcmp(got->authenticate->src, "src.example") == 0 &&
           strcmp(got->authenticate->dst, "dst.example") == 0 &&
           got->authenticate->query_id.len == 16 &&
           memcmp(got->authenticate->query_id.data, qid, 16) == 0,
           "authenticate fields survive the round trip");
    roam_msg_free(got);

    /* A progress stream then a final message, as the source sends them. */
    for (int i = 0; i < 3; i++) {
        Roam__V1__Progress p = ROAM__V1__PROGRESS__INIT;
        p.data_remaining = 1000u - 300u * (unsigned)i;
        p.data_total = 1000;
        p.throughput_bps = 12345678901ull;
        roam_envelope e = ROAM__V1__ENVELOPE__INIT;
        e.body_case = ROAM__V1__ENVELOPE__BODY_PROGRESS;
        e.progress = &p;
        roam_msg_send(&a, &e, 1000, err, sizeof err);
    }
    Roam__V1__PhaseTimings t = ROAM__V1__PHASE_TIMINGS__INIT;
    t.total_us = 4242;
    Roam__V1__MigrateDone d = ROAM__V1__MIGRATE_DONE__INIT;
    d.ok = 1;
    d.timings = &t;
    roam_envelope e = ROAM__V1__ENVELOPE__INIT;
    e.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE;
    e.migrate_done = &d;
    roam_msg_send(&a, &e, 1000, err, sizeof err);
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        st = roam_msg_expect(&b, ROAM__V1__ENVELOPE__BODY_PROGRESS, &got, 1000, err, sizeof err);
        ok &= st == ROAM_OK && got->progress->data_remaining == 1000u - 300u * (unsigned)i &&
              got->progress->throughput_bps == 12345678901ull;
        roam_msg_free(got);
    }
    tap_ok(ok, "three progress messages in order");
    st = roam_msg_expect(&b, ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE, &got, 1000, err, sizeof err);
    tap_ok(st == ROAM_OK && got->migrate_done->ok && got->migrate_done->timings &&
           got->migrate_done->timings->total_us == 4242, "migrate_done with timings");
    roam_msg_free(got);

    /* Raw frame layer: a payload of exactly the maximum size passes. */
    uint8_t *big = calloc(1, ROAM_FRAME_MAX);
    big[ROAM_FRAME_MAX - 1] = 0x5a;
    /* The socketpair buffer is smaller than 1 MiB: read from a child. */
    pid_t pid = fork();
    if (pid == 0) {
        int rc = roam_frame_write(&a, big, ROAM_FRAME_MAX, 5000, err, sizeof err) == ROAM_OK;
        _exit(rc ? 0 : 1);
    }
    uint8_t *p;
    size_t n;
    st = roam_frame_read(&b, &p, &n, 5000, err, sizeof err);
    tap_ok(st == ROAM_OK && n == ROAM_FRAME_MAX && p[n - 1] == 0x5a,
           "1 MiB frame (the maximum) round trip");
    free(p);
    free(big);
    int status;
    waitpid(pid, &status, 0);
}

static void test_bad_frames(void)
{
    uint8_t hdr[8];
    roam_status st;

    fresh_pair();
    memcpy(hdr, "\x00\x10\x00\x01", 4);   /* 1 MiB + 1 */
    raw(hdr, 4);
    st = recv_status();
    tap_eq(st, ROAM_EFRAME, "oversize length refused before allocating (%s)", err);

    fresh_pair();
    memcpy(hdr, "\xff\xff\xff\xff", 4);
    raw(hdr, 4);
    tap_eq(recv_status(), ROAM_EFRAME, "4 GiB length refused (%s)", err);

    fresh_pair();
    memcpy(hdr, "\x00\x00\x00\x00", 4);
    raw(hdr, 4);
    tap_eq(recv_status(), ROAM_EFRAME, "zero length refused (%s)", err);

    uint8_t dummy = 0;
    tap_eq(roam_frame_write(&a, &dummy, 0, 100, err, sizeof err), ROAM_EFRAME,
           "sender refuses a zero-length frame");

    fresh_pair();
    raw("\x00\x00\x00\x20" "abc", 7);   /* 32 announced, 3 sent */
    shutdown(sv[0], SHUT_WR);
    tap_eq(recv_status(), ROAM_EIO, "truncated body refused (%s)", err);

    fresh_pair();
    raw("\x00\x00", 2);   /* half a header */
    shutdown(sv[0], SHUT_WR);
    tap_eq(recv_status(), ROAM_EIO, "truncated header refused (%s)", err);

    fresh_pair();
    shutdown(sv[0], SHUT_WR);
    tap_eq(recv_status(), ROAM_CLOSED, "clean close between frames is ROAM_CLOSED");

    fresh_pair();
    /* 0xff bytes: a field with wire type 7, which does not exist. */
    uint8_t garbage[16];
    memset(garbage, 0xff, sizeof garbage);
    roam_frame_write(&a, garbage, sizeof garbage, 1000, err, sizeof err);
    tap_eq(recv_status(), ROAM_EDECODE, "garbage payload refused (%s)", err);
}

static void test_bad_messages(void)
{
    roam_envelope env;
    Roam__V1__Authenticate au;

    fresh_pair();
    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION + 1;
    send_raw_env(&env, NULL, 0);
    roam_status st = recv_status();
    tap_ok(st == ROAM_EVERSION && strstr(err, "version mismatch"),
           "newer version refused (%s)", err);

    fill_auth(&env, &au);
    env.version = 0;   /* proto3 leaves it out entirely */
    send_raw_env(&env, NULL, 0);
    tap_eq(recv_status(), ROAM_EVERSION, "missing version refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    static const uint8_t unknown[] = { 0x98, 0x06, 0x01 };   /* field 99 = 1 */
    send_raw_env(&env, unknown, sizeof unknown);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "unknown field"),
           "unknown field refused (%s)", err);

    roam__v1__envelope__init(&env);
    env.version = ROAM_PROTO_VERSION;
    send_raw_env(&env, NULL, 0);
    /* Only the version field: 2 bytes. */
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "no message"),
           "envelope without a body refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.query_id.len = 15;
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "query_id"),
           "15-byte query id refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.role = 7;
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "role"),
           "unknown role refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.role = ROAM__V1__ROLE__ROLE_UNSPECIFIED;
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "role"),
           "unspecified role refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.vm = "";
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "vm"), "empty vm refused (%s)", err);

    char longname[ROAM_NAME_MAX + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.dst = longname;
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "dst"),
           "256-byte server name refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.vm = "vm\x1b[31m";
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "control"),
           "control characters in a name refused (%s)", err);

    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.vm = "caf\xc3";   /* a truncated two-byte sequence */
    send_raw_env(&env, NULL, 0);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "UTF-8"),
           "invalid UTF-8 refused (%s)", err);
    au.vm = "caf\xc3\xa9 \xe2\x82\xac";   /* "café €" */
    send_raw_env(&env, NULL, 0);
    roam_envelope *okenv = NULL;
    tap_ok(roam_msg_recv(&b, &okenv, 1000, err, sizeof err) == ROAM_OK &&
           strcmp(okenv->authenticate->vm, au.vm) == 0, "valid UTF-8 accepted");
    roam_msg_free(okenv);

    /* Encodings protobuf-c would accept and silently reinterpret. */
    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    au.vm = "vmXevil";
    size_t n = roam__v1__envelope__get_packed_size(&env);
    uint8_t *buf = malloc(n);
    roam__v1__envelope__pack(&env, buf);
    uint8_t *x = memchr(buf, 'X', n);
    if (x)
        *x = 0;
    roam_frame_write(&a, buf, n, 1000, err, sizeof err);
    free(buf);
    tap_ok(x && recv_status() == ROAM_EINVALID && strstr(err, "non-canonical"),
           "string with an embedded NUL refused (%s)", err);
    fill_auth(&env, &au);
    env.version = ROAM_PROTO_VERSION;
    /* version = ROAM_PROTO_VERSION, again (one-byte varint) */
    static const uint8_t dup_version[] = { 0x08, (uint8_t)ROAM_PROTO_VERSION };
    send_raw_env(&env, dup_version, sizeof dup_version);
    tap_ok(recv_status() == ROAM_EINVALID && strstr(err, "non-canonical"),
           "duplicated field refused (%s)", err);

    /* Result that says ok and carries an error. */
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    e.phase = ROAM__V1__PHASE__PHASE_DEST_AUTH;
    e.message = "no";
    Roam__V1__Result r = ROAM__V1__RESULT__INIT;
    r.ok = 1;
    r.error = &e;
    roam__v1__envelope__init(&env);
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESULT;
    env.result = &r;
    send_raw_env(&env, NULL, 0);
    tap_eq(recv_status(), ROAM_EINVALID, "ok result with an error refused (%s)", err);
    r.ok = 0;
    r.error = NULL;
    send_raw_env(&env, NULL, 0);
    tap_eq(recv_status(), ROAM_EINVALID, "refusal without a reason refused (%s)", err);

    /* The sender validates too, and never emits what the peer refuses. */
    tap_eq(roam_msg_send(&a, &env, 1000, err, sizeof err), ROAM_EINVALID,
           "sender refuses an invalid message (%s)", err);
}

static void test_expect(void)
{
    fresh_pair();
    roam_status st = roam_msg_send_error(&a, ROAM__V1__PHASE__PHASE_SOURCE_AUTH,
                                         "policy not satisfied\x07", 1000, err, sizeof err);
    tap_eq(st, ROAM_OK, "send error message (%s)", st ? err : "ok");
    roam_envelope *got;
    st = roam_msg_expect(&b, ROAM__V1__ENVELOPE__BODY_RESULT, &got, 1000, err, sizeof err);
    tap_ok(st == ROAM_EPEER && strstr(err, "source authentication") &&
           strstr(err, "policy not satisfied?"), "peer error surfaces with its phase (%s)", err);

    /* Our own text is made acceptable before sending: bad bytes become '?',
     * and long text is cut at a character boundary within the limit. */
    char longmsg[3000];
    memset(longmsg, 'a', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    memcpy(longmsg, "bad \xff utf8 \xe2\x82", 12);
    longmsg[ROAM_MESSAGE_MAX - 1] = '\xe2';   /* a 3-byte char straddling the limit */
    longmsg[ROAM_MESSAGE_MAX] = '\x82';
    longmsg[ROAM_MESSAGE_MAX + 1] = '\xac';
    st = roam_msg_send_error(&a, ROAM__V1__PHASE__PHASE_MIGRATION, longmsg, 1000, err, sizeof err);
    roam_envelope *e1 = NULL;
    roam_status st2 = roam_msg_recv(&b, &e1, 1000, err, sizeof err);
    tap_ok(st == ROAM_OK && st2 == ROAM_OK &&
           strncmp(e1->error->message, "bad ? utf8 ?", 12) == 0 &&
           strlen(e1->error->message) == ROAM_MESSAGE_MAX - 1,
           "outgoing error text sanitized and cut at a character boundary (%s)",
           st2 ? err : "ok");
    roam_msg_free(e1);

    Roam__V1__Response resp = ROAM__V1__RESPONSE__INIT;
    uint8_t mac[ROAM_MAC_LEN] = { 0 };
    resp.mac.data = mac;
    resp.mac.len = sizeof mac;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESPONSE;
    env.response = &resp;
    roam_msg_send(&a, &env, 1000, err, sizeof err);
    st = roam_msg_expect(&b, ROAM__V1__ENVELOPE__BODY_CHALLENGE, &got, 1000, err, sizeof err);
    tap_ok(st == ROAM_EUNEXPECTED && strstr(err, "challenge") && strstr(err, "response"),
           "wrong message type refused (%s)", err);
}

static void test_timeouts(void)
{
    fresh_pair();
    int64_t t0 = roam_now_ms();
    roam_envelope *env;
    roam_status st = roam_msg_recv(&b, &env, 200, err, sizeof err);
    int64_t dt = roam_now_ms() - t0;
    tap_eq(st, ROAM_ETIMEDOUT, "silent peer: receive times out (%s)", err);
    tap_ok(dt >= 190 && dt < 1500, "after about 200 ms (%lld ms)", (long long)dt);

    /* A peer that sends a header and part of the body, then stalls: the
     * deadline covers the whole frame, not each read. */
    fresh_pair();
    raw("\x00\x00\x00\x10" "ab", 6);
    t0 = roam_now_ms();
    st = roam_msg_recv(&b, &env, 300, err, sizeof err);
    dt = roam_now_ms() - t0;
    tap_ok(st == ROAM_ETIMEDOUT && dt >= 290 && dt < 1500,
           "peer stalling mid-frame times out (%lld ms: %s)", (long long)dt, err);

    /* Drip-feeding a byte at a time must not extend the deadline. */
    fresh_pair();
    pid_t pid = fork();
    if (pid == 0) {
        raw("\x00\x00\x00\x40", 4);
        for (int i = 0; i < 20; i++) {
            usleep(50 * 1000);
            if (write(sv[0], "x", 1) != 1)
                break;
        }
        _exit(0);
    }
    t0 = roam_now_ms();
    st = roam_msg_recv(&b, &env, 300, err, sizeof err);
    dt = roam_now_ms() - t0;
    tap_ok(st == ROAM_ETIMEDOUT && dt < 700, "drip-feeding peer times out on schedule (%lld ms)",
           (long long)dt);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);

    /* A peer that never reads: the writer's deadline fires too. */
    fresh_pair();
    uint8_t *blob = calloc(1, ROAM_FRAME_MAX);
    t0 = roam_now_ms();
    st = roam_frame_write(&a, blob, ROAM_FRAME_MAX, 200, err, sizeof err);
    dt = roam_now_ms() - t0;
    tap_ok(st == ROAM_ETIMEDOUT && dt < 1500, "writer to a stalled reader times out (%s)", err);
    free(blob);
}

/* Version 2 messages: RaAnswer.source iff ra, PostProcess sizes, and
 * PostProcessDone's outcome rule. */
static void test_v2_messages(void)
{
    fresh_pair();
    uint8_t ra[16] = { 134 }, src16[16] = { 0xfe, 0x80 }, mac[6] = { 0x52, 0x54 };
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    Roam__V1__RaAnswer ans = ROAM__V1__RA_ANSWER__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RA_ANSWER;
    env.ra_answer = &ans;
    ans.ra.data = ra;
    ans.ra.len = sizeof ra;
    tap_eq(roam_msg_send(&a, &env, 1000, err, sizeof err), ROAM_EINVALID,
           "v2: RaAnswer without source refused (%s)", err);
    ans.source.data = src16;
    ans.source.len = sizeof src16;
    tap_ok(roam_msg_send(&a, &env, 1000, err, sizeof err) == ROAM_OK && recv_status() == ROAM_OK,
           "v2: RaAnswer with ra and source accepted");

    Roam__V1__PostProcess pp = ROAM__V1__POST_PROCESS__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS;
    env.post_process = &pp;
    pp.vm = "vm";
    pp.query_id.data = qid;
    pp.query_id.len = sizeof qid;
    pp.primary_mac.data = pp.secondary_mac.data = mac;
    pp.primary_mac.len = 6;
    pp.secondary_mac.len = 5;
    tap_eq(roam_msg_send(&a, &env, 1000, err, sizeof err), ROAM_EINVALID,
           "v2: PostProcess with a 5-byte MAC refused (%s)", err);
    pp.secondary_mac.len = 6;
    tap_ok(roam_msg_send(&a, &env, 1000, err, sizeof err) == ROAM_OK && recv_status() == ROAM_OK,
           "v2: PostProcess accepted");

    Roam__V1__PostProcessDone done = ROAM__V1__POST_PROCESS_DONE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    env.post_process_done = &done;
    tap_eq(roam_msg_send(&a, &env, 1000, err, sizeof err), ROAM_EINVALID,
           "v2: PostProcessDone failure without error refused (%s)", err);
    done.ok = 1;
    done.address.data = src16;
    done.address.len = 3;
    tap_eq(roam_msg_send(&a, &env, 1000, err, sizeof err), ROAM_EINVALID,
           "v2: PostProcessDone with a 3-byte address refused");
    done.address.len = 16;
    tap_ok(roam_msg_send(&a, &env, 1000, err, sizeof err) == ROAM_OK && recv_status() == ROAM_OK,
           "v2: PostProcessDone accepted");

    Roam__V1__Authenticate au;
    fill_auth(&env, &au);
    uint8_t fp[32] = { 1 };
    au.key_fingerprint.data = fp;
    au.key_fingerprint.len = 31;
    tap_eq(roam_msg_send(&a, &env, 1000, err, sizeof err), ROAM_EINVALID,
           "v2: 31-byte key fingerprint refused (%s)", err);
    au.key_fingerprint.len = 32;
    tap_ok(roam_msg_send(&a, &env, 1000, err, sizeof err) == ROAM_OK && recv_status() == ROAM_OK,
           "v2: Authenticate with a key fingerprint accepted");
}

/* SwitchHandover's bounds: 16-byte addresses, a port, 1..1024 bytes of
 * registration. */
static void test_switch_handover(void)
{
    static uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8 }, reg[ROAM_REGISTRATION_MAX + 1];
    Roam__V1__SwitchHandover sh = ROAM__V1__SWITCH_HANDOVER__INIT;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_SWITCH_HANDOVER;
    env.switch_handover = &sh;
    sh.moa.data = sh.ims_address.data = addr;
    sh.moa.len = sh.ims_address.len = 16;
    sh.ims_port = 7400;
    sh.registration.data = reg;
    sh.registration.len = ROAM_REGISTRATION_MAX;
    tap_eq(roam_msg_validate(&env, err, sizeof err), 0, "SwitchHandover accepted (%s)", err);
    sh.registration.len = ROAM_REGISTRATION_MAX + 1;
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0 && strstr(err, "registration"),
           "registration over 1024 bytes refused (%s)", err);
    sh.registration.len = 0;
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0 && strstr(err, "registration"),
           "empty registration refused (%s)", err);
    sh.registration.len = 1;
    sh.ims_address.len = 4;
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0 && strstr(err, "ims_address"),
           "4-byte IMS address refused (%s)", err);
    sh.ims_address.len = 16;
    sh.ims_port = 0;
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0 && strstr(err, "ims_port"),
           "port 0 refused (%s)", err);
    sh.ims_port = 65536;
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0 && strstr(err, "ims_port"),
           "port 65536 refused (%s)", err);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_round_trip();
    test_bad_frames();
    test_bad_messages();
    test_switch_handover();
    test_expect();
    test_timeouts();
    test_v2_messages();
    return tap_done();
}
