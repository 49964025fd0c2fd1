/* What an unauthenticated peer can make the message layer spend: a maximal
 * frame of small unknown fields is refused before protobuf-c unpacks it
 * (peak RSS barely moves), a frame longer than the expected message allows
 * is refused from its header, and the large messages that are legitimate
 * (Challenge, RaAnswer) still pass. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "frame.h"
#include "msg.h"
#include "pb_guard.h"
#include "tap.h"
#include "wire_limits.h"

static char err[ROAM_ERR_MAX];

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* version = ROAM_PROTO_VERSION, then 2-byte unknown fields (number 5,
 * varint 0) up to len bytes. */
static uint8_t *unknown_flood(size_t len)
{
    uint8_t *b = malloc(len);
    if (!b)
        exit(2);
    b[0] = 0x08;
    b[1] = ROAM_PROTO_VERSION;
    for (size_t i = 2; i + 1 < len; i += 2) {
        b[i] = 5 << 3;
        b[i + 1] = 0;
    }
    return b;
}

static void test_flood(void)
{
    uint8_t *buf = unknown_flood(ROAM_FRAME_MAX);
    long before = peak_kb();
    roam_envelope *env = NULL;
    roam_status st = roam_msg_decode(buf, ROAM_FRAME_MAX, &env, err, sizeof err);
    long grown = peak_kb() - before;
    tap_ok(st != ROAM_OK && !env, "1 MiB of unknown fields refused (%s)", err);
    tap_ok(grown < 4096, "... without unpacking it: peak RSS grew by %ld KiB", grown);
    roam_msg_free(env);
    free(buf);

    /* The scan alone: no allocation, and the reason. */
    buf = unknown_flood(4096);
    tap_ok(roam_pb_scan(&roam__v1__envelope__descriptor, buf, 4096, ROAM_PB_UNKNOWN_MAX, err,
                        sizeof err) < 0 && strstr(err, "unknown"), "scan: %s", err);
    tap_eq(roam_pb_scan(&roam__v1__envelope__descriptor, buf, 2 + 2 * ROAM_PB_UNKNOWN_MAX,
                        ROAM_PB_UNKNOWN_MAX, err, sizeof err), 0,
           "scan: %d unknown fields left for the validator to name", ROAM_PB_UNKNOWN_MAX);
    free(buf);

    /* Nesting: Envelope.error (21) holding itself is not in the schema,
     * but a length running past its parent is. */
    static const uint8_t past[] = { 0x08, ROAM_PROTO_VERSION, 0xaa, 0x01, 0x10, 0x08, 0x01 };
    tap_ok(roam_pb_scan(&roam__v1__envelope__descriptor, past, sizeof past, 0, err,
                        sizeof err) < 0, "scan: a length past the end refused (%s)", err);
    /* A string field sent as a varint. */
    static const uint8_t wt[] = { 0x08, ROAM_PROTO_VERSION, 0x52, 0x02, 0x10, 0x05 };
    tap_ok(roam_pb_scan(&roam__v1__envelope__descriptor, wt, sizeof wt, 0, err, sizeof err) < 0,
           "scan: a wrong wire type refused (%s)", err);

    /* A cap below what the message needs: refused, not half-decoded. */
    static const uint8_t ok_env[] = { 0x08, ROAM_PROTO_VERSION, 0x52, 0x02, 0x08, 0x01 };
    ProtobufCMessage *m = roam_pb_unpack(&roam__v1__envelope__descriptor, ok_env, sizeof ok_env,
                                         8, err, sizeof err);
    tap_ok(!m && strstr(err, "memory bound"), "unpack under a tiny cap refused (%s)", err);
    m = roam_pb_unpack(&roam__v1__envelope__descriptor, ok_env, sizeof ok_env,
                       ROAM_PB_CAP(sizeof ok_env), err, sizeof err);
    tap_ok(m != NULL, "the same unpacked under the usual cap (%s)", m ? "ok" : err);
    if (m)
        protobuf_c_message_free_unpacked(m, NULL);
}

/* A frame header announcing len bytes, and nothing after it. */
static roam_status expect_after_header(roam_body want, uint32_t len, int64_t *ms)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        exit(2);
    uint8_t h[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                     (uint8_t)len };
    if (write(sv[0], h, 4) != 4)
        exit(2);
    roam_stream s = roam_stream_socket(sv[1]);
    roam_envelope *env = NULL;
    int64_t t0 = roam_now_ms();
    roam_status st = roam_msg_expect(&s, want, &env, 1500, err, sizeof err);
    *ms = roam_now_ms() - t0;
    roam_msg_free(env);
    close(sv[0]);
    close(sv[1]);
    return st;
}

static void test_per_message_bounds(void)
{
    int64_t ms;
    roam_status st = expect_after_header(ROAM__V1__ENVELOPE__BODY_AUTHENTICATE, 100000, &ms);
    tap_ok(st == ROAM_EFRAME && ms < 1000, "a 100000-byte Authenticate refused from its header "
           "(%lld ms: %s)", (long long)ms, err);
    st = expect_after_header(ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY, ROAM_SMALL_FRAME_MAX + 1,
                             &ms);
    tap_ok(st == ROAM_EFRAME, "an AdmissionQuery over %d bytes refused (%s)",
           ROAM_SMALL_FRAME_MAX, err);
    st = expect_after_header(ROAM__V1__ENVELOPE__BODY_CHALLENGE, 300000, &ms);
    tap_eq(st, ROAM_ETIMEDOUT, "a 300000-byte Challenge is waited for (%s)", err);
    st = expect_after_header(ROAM__V1__ENVELOPE__BODY_RA_ANSWER, 60000, &ms);
    tap_eq(st, ROAM_ETIMEDOUT, "a 60000-byte RaAnswer is waited for (%s)", err);
    tap_ok(roam_msg_max_frame(ROAM__V1__ENVELOPE__BODY_CHALLENGE) <= ROAM_FRAME_MAX &&
           roam_msg_max_frame(ROAM__V1__ENVELOPE__BODY_ERROR) >= ROAM_MESSAGE_MAX + 16,
           "bounds within the frame limit, and room for an Error everywhere");
}

/* A maximal legitimate Challenge round-trips through expect. */
static void test_large_challenge(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        exit(2);
    int big = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    roam_stream a = roam_stream_socket(sv[0]), b = roam_stream_socket(sv[1]);
    uint8_t *ct = calloc(1, 200000), nonce[ROAM_NONCE_LEN] = { 1 };
    char *policy = malloc(20001);
    memset(policy, 'a', 20000);
    policy[20000] = '\0';
    Roam__V1__Challenge c = ROAM__V1__CHALLENGE__INIT;
    c.ciphertext.data = ct;
    c.ciphertext.len = 200000;
    c.policy = policy;
    c.nonce.data = nonce;
    c.nonce.len = sizeof nonce;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *got = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_CHALLENGE;
    env.challenge = &c;
    roam_status st = ROAM_EIO;
    if (fork() == 0) {
        _exit(roam_msg_send(&a, &env, 5000, err, sizeof err) == ROAM_OK ? 0 : 1);
    }
    st = roam_msg_expect(&b, ROAM__V1__ENVELOPE__BODY_CHALLENGE, &got, 5000, err, sizeof err);
    tap_ok(st == ROAM_OK && got->challenge->ciphertext.len == 200000,
           "a 220 KB Challenge still passes (%s)", st == ROAM_OK ? "ok" : err);
    roam_msg_free(got);
    free(ct);
    free(policy);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    test_flood();
    test_per_message_bounds();
    test_large_challenge();
    return tap_done();
}
