/* roamd itself over loopback, against fake clients and a fake peer: a real
 * daemon (roamd_start/roamd_run in a thread) with a test PKI, FABEO keys made
 * here, and libvirt's test driver holding a VM with a migrate policy.
 * Covers: accept and migrate authentication, refusals with the right
 * sentence, the source flow failing cleanly in pre-processing (no RA on
 * loopback), garbage, stalls, a peer without a certificate, the peer
 * protocol out of order, connection exhaustion (idle connections, silent
 * and trickling handshakes, one source's many connections: a peer and other
 * sources still served; idle connections from many sources wait in the
 * lobby, where the oldest makes room for a newcomer; stalled handshakes
 * take no thread), and the session
 * limit.  As root, in a network
 * namespace of its own (handover_lab.h), also the destination's handover:
 * the registration a SwitchHandover carries reaches the IMS at the RARP, byte
 * for byte, with a router hello on the VM bridge; a malformed one is refused;
 * one for a mobile address other than the VM's, for another IMS than the
 * one configured, or carrying anything but a registration is dropped and
 * audited, and nothing goes out; with handover = no nothing goes out. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "../proto/certs.h"
#include "abe.h"
#include "auth.h"
#include "client_auth.h"
#include "client_migrate.h"
#include "daemon.h"
#include "date.h"
#include "deadline.h"
#include "errbuf.h"
#include "frame.h"
#include "handover_lab.h"
#include "locate.h"
#include "icmp6.h"
#include "msg.h"
#include "peer_client.h"
#include "../net/reg_sample.h"
#include "roamd_config.h"
#include "seal.h"
#include "server.h"
#include "sock.h"
#include "tap.h"
#include "transcript.h"

static char dir[] = "/tmp/roamd-test-XXXXXX";
static char err[ROAM_ERR_MAX];
static struct roamd d;
static volatile sig_atomic_t stop_flag;
static abe_mpk_t *mpk;
static char port[8], pport[8];

static void path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static abe_key_t *make_key(const abe_msk_t *msk, const char *const *attrs, size_t n)
{
    abe_key_t *k = calloc(1, sizeof *k);
    abe_error_t perr;
    if (!k || abe_key_set_attrs(k, attrs, n, &perr) != ABE_OK ||
        abe_keygen(k, mpk, msk) != ABE_OK)
        exit(2);
    return k;
}

static void write_file(const char *name, const char *text)
{
    char p[512];
    path(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        exit(2);
}

/* The VM bridge goes in twice (one per NIC). */
#define NODE_XML \
    "<node>\n" \
    " <domain type='test'>\n" \
    "  <name>vm1</name><memory>65536</memory><os><type>hvm</type></os>\n" \
    "  <metadata><roam:vm xmlns:roam='https://roam.example/ns/vm/1'>" \
    "<roam:migrate-policy>B4 or M1</roam:migrate-policy></roam:vm></metadata>\n" \
    "  <devices>\n" \
    "   <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='%s'/>" \
    "<target dev='tapt1'/></interface>\n" \
    "   <interface type='bridge'><mac address='52:54:00:00:00:02'/><source bridge='%s'/>" \
    "<target dev='tapt2'/><link state='down'/></interface>\n" \
    "  </devices>\n" \
    " </domain>\n" \
    " <domain type='test'>\n" \
    "  <name>nopolicy</name><memory>65536</memory><os><type>hvm</type></os>\n" \
    " </domain>\n" \
    "</node>\n"

static void *run(void *arg)
{
    (void)arg;
    roamd_run(&d, &stop_flag);
    return NULL;
}

static roam_tls_ctx *client_ctx(void)
{
    char ca[512];
    path(ca, sizeof ca, "ca.pem");
    return roam_tls_client_ctx(ca, NULL, NULL, err, sizeof err);
}

/* A destination peer's AdmissionQuery for vm1 from 127.0.0.1. */
static roam_status send_admission_query(roam_stream *s, uint8_t query_id[16])
{
    Roam__V1__AdmissionQuery aq = ROAM__V1__ADMISSION_QUERY__INIT;
    aq.vm = "vm1";
    aq.src = "127.0.0.1";
    aq.query_id.data = query_id;
    aq.query_id.len = 16;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY;
    env.admission_query = &aq;
    return roam_msg_send(s, &env, 2000, err, sizeof err);
}

/* A TCP connection to 127.0.0.1:p from src (another address of the
 * loopback /8, so that the daemon sees another source), or -1. */
static int tcp_from(const char *src, const char *p)
{
    struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
    inet_pton(AF_INET, src, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    to.sin_port = htons((uint16_t)atoi(p));
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && (bind(fd, (struct sockaddr *)&from, sizeof from) < 0 ||
                    connect(fd, (struct sockaddr *)&to, sizeof to) < 0)) {
        snprintf(err, sizeof err, "connect from %s: %s", src, strerror(errno));
        close(fd);
        fd = -1;
    }
    return fd;
}

static const char *dial_src;   /* NULL: the default source, 127.0.0.1 */

static roam_tls_conn *dial(roam_tls_ctx *ctx, const char *p)
{
    int fd = dial_src ? tcp_from(dial_src, p)
                      : roam_tcp_connect("127.0.0.1", p, 2000, err, sizeof err);
    return fd < 0 ? NULL : roam_tls_connect(ctx, fd, "127.0.0.1", 2000, err, sizeof err);
}

static int auth(roam_tls_ctx *ctx, const abe_key_t *key, Roam__V1__Role role, const char *vm,
                const char *dst, const uint8_t qid[16], roam_tls_conn **keep, char *why,
                size_t cap)
{
    struct roam_client_id id = { .mpk = mpk, .key = key };
    struct roam_auth_req req = { .role = role, .vm = vm, .src = "127.0.0.1", .dst = dst };
    memcpy(req.query_id, qid, 16);
    roam_tls_conn *c = dial(ctx, port);
    if (!c) {
        snprintf(why, cap, "connect: %s", err);
        return -1;
    }
    int r = roam_client_authenticate(c, &id, &req, 5000, why, cap);
    if (keep && r == 0)
        *keep = c;
    else
        roam_tls_close(c, 500);
    return r;
}

/* The source's challenge to Authenticate{migrate, vm} on a fresh
 * connection (*c, left open), or NULL. */
static roam_envelope *raw_challenge(roam_tls_ctx *ctx, const char *vm, const uint8_t q[16],
                                    Roam__V1__Authenticate *au, roam_tls_conn **c)
{
    *au = (Roam__V1__Authenticate)ROAM__V1__AUTHENTICATE__INIT;
    au->role = ROAM__V1__ROLE__ROLE_MIGRATE;
    au->vm = (char *)vm;
    au->src = "127.0.0.1";
    au->dst = "other";
    au->query_id.data = (uint8_t *)q;
    au->query_id.len = 16;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_AUTHENTICATE;
    env.authenticate = au;
    *c = dial(ctx, port);
    roam_stream s = roam_tls_stream(*c);
    if (!*c || roam_msg_send(&s, &env, 2000, err, sizeof err) != ROAM_OK ||
        roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_CHALLENGE, &in, 2000, err,
                        sizeof err) != ROAM_OK) {
        roam_msg_free(in);
        return NULL;
    }
    return in;
}

/* Answer ch with HMAC(key, transcript of au and ch) and read the Result:
 * 1 ok, 0 refused (*phase, msg), -1 no Result. */
static int raw_respond(roam_tls_conn *c, const Roam__V1__Authenticate *au,
                       const Roam__V1__Challenge *ch, const uint8_t key[32], int *phase,
                       char *msg, size_t cap)
{
    struct roam_transcript t;
    Roam__V1__Response r = ROAM__V1__RESPONSE__INIT;
    uint8_t mac[ROAM_MAC_LEN];
    roam_stream s = roam_tls_stream(c);
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    if (roam_auth_transcript(au, ch, c, &t, err, sizeof err) < 0 ||
        roam_transcript_mac(key, 32, &t, mac, err, sizeof err) < 0)
        return -1;
    r.mac.data = mac;
    r.mac.len = sizeof mac;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESPONSE;
    env.response = &r;
    int rc = -1;
    if (roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK &&
        roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_RESULT, &in, 2000, err,
                        sizeof err) == ROAM_OK) {
        rc = in->result->ok;
        *phase = in->result->error ? (int)in->result->error->phase : 0;
        snprintf(msg, cap, "%s", in->result->error ? in->result->error->message : "");
    }
    roam_msg_free(in);
    return rc;
}

/* The source answers callers who do not satisfy its disclose policy
 * (accept_policy = customer here) alike, whether the VM is here, lacks a
 * policy or is unknown: same lengths, same policy shown, same refusal.
 * A key that satisfies the VM's migrate policy but not the disclose policy
 * is refused; a caller who does satisfy it cannot get past a tampered
 * outer or inner part, nor answer with the outer key alone. */
/* Decapsulate ch's outer part, open the sealed part, decapsulate the
 * inner ciphertext, and derive the response key from both (into both):
 * what a client whose key satisfies both policies does.  1 or 0. */
static int open_both(const abe_key_t *key, const Roam__V1__Challenge *ch, uint8_t both[32])
{
    uint8_t k1[32], k2[32];
    char why[ROAM_ERR_MAX];
    struct roam_inner inner = { 0 };
    int ok = ch && abe_kem_decaps(mpk, key, ch->ciphertext.data, ch->ciphertext.len, NULL, k1) ==
                       ABE_OK &&
             roam_unseal(k1, ch->nonce.data, ch->sealed.data, ch->sealed.len, &inner, why,
                         sizeof why) == 0 &&
             abe_kem_decaps(mpk, key, inner.ct, inner.ct_len, NULL, k2) == ABE_OK &&
             roam_response_key(k1, k2, both, why, sizeof why) == 0;
    roam_inner_free(&inner);
    return ok;
}

static void test_disclose(roam_tls_ctx *ctx, const abe_key_t *alice, const abe_msk_t *msk)
{
    char exp[40], today[11], why[ROAM_MESSAGE_MAX];
    roam_today(today);
    snprintf(exp, sizeof exp, "expiry = %d%s", atoi(today) + 1, today + 4);
    const char *b4[] = { "B4", exp };
    abe_key_t *outsider = make_key(msk, b4, 2);
    uint8_t q[16] = { 0xd1, 0x5c };
    dial_src = "127.0.0.7";   /* a rate bucket of its own */
    tap_ok(auth(ctx, outsider, ROAM__V1__ROLE__ROLE_MIGRATE, "vm1", "other", q, NULL, why,
                sizeof why) == ROAM_AUTH_REFUSED && strstr(why, "source's disclose policy"),
           "a key that satisfies the VM's migrate policy but not the source's disclose "
           "policy is refused: %s", why);

    const char *vms[] = { "vm1", "novm", "nopolicy" };
    size_t ct_len[3] = { 0 }, sealed_len[3] = { 0 };
    int phase[3] = { -1, -1, -1 }, res[3] = { -2, -2, -2 };
    char policy[3][256] = { "" }, msg[3][ROAM_MESSAGE_MAX] = { "" };
    uint8_t zero[32] = { 0 };
    for (int i = 0; i < 3; i++) {
        Roam__V1__Authenticate au;
        roam_tls_conn *c = NULL;
        roam_envelope *in = raw_challenge(ctx, vms[i], q, &au, &c);
        if (in) {
            ct_len[i] = in->challenge->ciphertext.len;
            sealed_len[i] = in->challenge->sealed.len;
            snprintf(policy[i], sizeof policy[i], "%s", in->challenge->policy);
            res[i] = raw_respond(c, &au, in->challenge, zero, &phase[i], msg[i],
                                 sizeof msg[i]);
        }
        roam_msg_free(in);
        if (c)
            roam_tls_close(c, 500);
    }
    tap_ok(ct_len[0] && sealed_len[0] && ct_len[0] == ct_len[1] && ct_len[1] == ct_len[2] &&
           sealed_len[0] == sealed_len[1] && sealed_len[1] == sealed_len[2] &&
           !strcmp(policy[0], policy[1]) && !strcmp(policy[1], policy[2]),
           "a VM here, one unknown and one without a policy: challenges of the same lengths "
           "(%zu + %zu sealed bytes) under the same policy shown (%s)", ct_len[0],
           sealed_len[0], policy[0]);
    tap_ok(res[0] == 0 && res[1] == 0 && res[2] == 0 && phase[0] == phase[1] &&
           phase[1] == phase[2] && !strcmp(msg[0], msg[1]) && !strcmp(msg[1], msg[2]),
           "... and the same refusal to a response without the keys (%s)", msg[0]);

    /* Alice satisfies both policies. */
    Roam__V1__Authenticate au;
    roam_tls_conn *c = NULL;
    roam_envelope *in = raw_challenge(ctx, "vm1", q, &au, &c);
    uint8_t k1[32], k2[32], both[32];
    struct roam_inner inner = { 0 };
    Roam__V1__Challenge *ch = in ? in->challenge : NULL;
    int opened = ch && abe_kem_decaps(mpk, alice, ch->ciphertext.data, ch->ciphertext.len, NULL,
                                      k1) == ABE_OK &&
                 roam_unseal(k1, ch->nonce.data, ch->sealed.data, ch->sealed.len, &inner, err,
                             sizeof err) == 0 &&
                 inner.kind == ROAM_INNER_CHALLENGE &&
                 abe_kem_decaps(mpk, alice, inner.ct, inner.ct_len, NULL, k2) == ABE_OK &&
                 roam_response_key(k1, k2, both, err, sizeof err) == 0;
    tap_ok(opened && strstr(inner.text, "B4 or M1"),
           "the sealed part opens under the outer key: the VM's policy (%s)",
           opened ? inner.text : err);
    roam_inner_free(&inner);
    int tampered_open = 1, outer_tampered = 1;
    if (ch) {
        ch->sealed.data[ch->sealed.len / 2] ^= 1;
        tampered_open = roam_unseal(k1, ch->nonce.data, ch->sealed.data, ch->sealed.len,
                                    &inner, err, sizeof err) == 0;
        roam_inner_free(&inner);
        ch->sealed.data[ch->sealed.len / 2] ^= 1;
        ch->ciphertext.data[ch->ciphertext.len - 1] ^= 1;
        uint8_t kx[32];
        outer_tampered = abe_kem_decaps(mpk, alice, ch->ciphertext.data, ch->ciphertext.len,
                                        NULL, kx) == ABE_OK &&
                         roam_unseal(kx, ch->nonce.data, ch->sealed.data, ch->sealed.len,
                                     &inner, err, sizeof err) == 0;
        roam_inner_free(&inner);
        ch->ciphertext.data[ch->ciphertext.len - 1] ^= 1;
    }
    tap_ok(!tampered_open, "a tampered inner part does not open");
    tap_ok(!outer_tampered, "a tampered outer ciphertext opens nothing");
    int ph;
    char m[ROAM_MESSAGE_MAX];
    tap_eq(ch ? raw_respond(c, &au, ch, k1, &ph, m, sizeof m) : -1, 0,
           "a MAC under the outer key alone is refused (%s)", m);
    roam_msg_free(in);
    if (c)
        roam_tls_close(c, 500);

    /* The right keys over a transcript of another sealed part. */
    in = raw_challenge(ctx, "vm1", q, &au, &c);
    ch = in ? in->challenge : NULL;
    opened = open_both(alice, ch, both);
    if (opened)
        ch->sealed.data[0] ^= 1;
    tap_eq(opened ? raw_respond(c, &au, ch, both, &ph, m, sizeof m) : -1, 0,
           "both keys over a transcript of a tampered sealed part: refused (%s)", m);
    roam_msg_free(in);
    if (c)
        roam_tls_close(c, 500);
    in = raw_challenge(ctx, "vm1", q, &au, &c);
    ch = in ? in->challenge : NULL;
    opened = open_both(alice, ch, both);
    tap_eq(opened ? raw_respond(c, &au, ch, both, &ph, m, sizeof m) : -1, 1,
           "both keys over the challenge as sent: granted");
    roam_msg_free(in);
    if (c)
        roam_tls_close(c, 500);
    dial_src = NULL;
    abe_key_clear(outsider);
    free(outsider);
}

/* The daemon still serves: a fresh accept authentication works. */
static int alive(roam_tls_ctx *ctx, const abe_key_t *key)
{
    uint8_t q[16];
    char why[ROAM_MESSAGE_MAX];
    for (int i = 0; i < 16; i++)
        q[i] = (uint8_t)rand();
    return auth(ctx, key, ROAM__V1__ROLE__ROLE_ACCEPT, "vm1", "127.0.0.1:1", q, NULL, why,
                sizeof why) == 0;
}

/* The destination's handover, driven through the source daemon's own peer
 * client (peer_client.h): admission, RaFetch, PostProcess, one
 * SwitchHandover per entry of ho[n], then the VM's RARP.  Returns the
 * PostProcessDone envelope, NULL if none came; *ns_len: the router hello
 * from ho[0].moa captured on the VM's link (0: none); *reg_len: what the
 * IMS got (0: nothing). */
static const uint8_t vm_primary[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t vm_secondary[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static roam_handover sample_ho;

/* Admit vm1 from 127.0.0.1 for a fresh query id (accept authentication). */
static int admit(roam_tls_ctx *ctx, const abe_key_t *key, uint8_t q[16])
{
    char why[ROAM_MESSAGE_MAX];
    for (int i = 0; i < 16; i++)
        q[i] = (uint8_t)rand();
    if (auth(ctx, key, ROAM__V1__ROLE__ROLE_ACCEPT, "vm1", "127.0.0.1", q, NULL, why,
             sizeof why) == 0)
        return 0;
    tap_diag("admission: %s", why);
    return -1;
}

/* Through admission, RaFetch and PostProcess; the peer or NULL. */
static roamd_peer *armed_peer(roam_tls_ctx *ctx, const abe_key_t *key)
{
    uint8_t q[16], ra[2048];
    struct in6_addr router;
    if (admit(ctx, key, q) < 0)
        return NULL;
    roamd_peer *p = roamd_peer_connect(&d, "127.0.0.1", err, sizeof err);
    if (!p || roamd_peer_admission(p, "vm1", "127.0.0.1", q, err, sizeof err) < 0 ||
        roamd_peer_ra(p, "vm1", q, ra, sizeof ra, &router, err, sizeof err) < 0 ||
        roamd_peer_arm(p, "vm1", q, vm_primary, vm_secondary, err, sizeof err) < 0) {
        tap_diag("arming the destination: %s", err);
        roamd_peer_close(p);
        return NULL;
    }
    return p;
}

static roam_envelope *handover_sessions(roam_tls_ctx *ctx, const abe_key_t *key, int ims_fd,
                                        const roam_handover *ho, size_t n, uint8_t *ns,
                                        size_t *ns_len, uint8_t *reg, size_t *reg_len)
{
    *ns_len = *reg_len = 0;
    roamd_peer *p = armed_peer(ctx, key);
    if (!p)
        return NULL;
    roam_envelope *in = NULL;
    int vm_fd = holab_vm_open();
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok = ok && roamd_peer_handover(p, &ho[i], err, sizeof err) == 0;
    usleep(200000);   /* the destination takes the handover before the RARP */
    if (ok && vm_fd >= 0 && holab_rarp(vm_secondary) == 0 &&
        roamd_peer_wait_done(p, 5000, &in, err, sizeof err) < 0)
        in = NULL;
    *reg_len = holab_ims_recv(ims_fd, reg, 2048, 500);
    if (vm_fd >= 0) {
        *ns_len = holab_recv_ns(vm_fd, ho[0].moa, ns, 256, 300);
        close(vm_fd);
    }
    roamd_peer_close(p);
    return in;
}

static roam_envelope *handover_session(roam_tls_ctx *ctx, const abe_key_t *key, int ims_fd,
                                       uint8_t *ns, size_t *ns_len, uint8_t *reg, size_t *reg_len)
{
    return handover_sessions(ctx, key, ims_fd, &sample_ho, 1, ns, ns_len, reg, reg_len);
}

/* The same up to PostProcess by hand, then a SwitchHandover with a 15-byte
 * moa (packed by hand: roam_msg_send would refuse it).  The answer, or NULL. */
static roam_envelope *malformed_session(roam_tls_ctx *ctx, const abe_key_t *key,
                                        roam_tls_ctx *peer)
{
    uint8_t q[16];
    if (admit(ctx, key, q) < 0)
        return NULL;
    roam_tls_conn *pc = dial(peer, pport);
    if (!pc)
        return NULL;
    roam_stream s = roam_tls_stream(pc);
    roam_envelope *in = NULL, env = ROAM__V1__ENVELOPE__INIT;
    int ok = send_admission_query(&s, q) == ROAM_OK &&
             roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER, &in, 3000, err,
                             sizeof err) == ROAM_OK && in->admission_answer->granted;
    roam_msg_free(in);
    Roam__V1__RaFetch f = ROAM__V1__RA_FETCH__INIT;
    Roam__V1__PostProcess pp = ROAM__V1__POST_PROCESS__INIT;
    f.vm = pp.vm = "vm1";
    f.query_id.data = pp.query_id.data = q;
    f.query_id.len = pp.query_id.len = 16;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RA_FETCH;
    env.ra_fetch = &f;
    in = NULL;
    ok = ok && roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK &&
         roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_RA_ANSWER, &in, 3000, err,
                         sizeof err) == ROAM_OK;
    roam_msg_free(in);
    in = NULL;
    pp.primary_mac.data = (uint8_t *)vm_primary;
    pp.primary_mac.len = 6;
    pp.secondary_mac.data = (uint8_t *)vm_secondary;
    pp.secondary_mac.len = 6;
    env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS;
    env.post_process = &pp;
    ok = ok && roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK;
    Roam__V1__SwitchHandover sh = ROAM__V1__SWITCH_HANDOVER__INIT;
    sh.moa.data = sample_ho.moa;
    sh.moa.len = 15;
    sh.ims_address.data = sample_ho.ims_addr;
    sh.ims_address.len = 16;
    sh.ims_port = sample_ho.ims_port;
    sh.registration.data = sample_ho.reg;
    sh.registration.len = sample_ho.reg_len;
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_SWITCH_HANDOVER;
    env.switch_handover = &sh;
    uint8_t buf[2048];
    size_t n = roam__v1__envelope__pack(&env, buf);
    if (!ok || roam_frame_write(&s, buf, n, 2000, err, sizeof err) != ROAM_OK ||
        roam_msg_recv(&s, &in, 3000, err, sizeof err) != ROAM_OK)
        in = NULL;
    roam_tls_close(pc, 500);
    return in;
}

/* Wait until no connection thread runs (the earlier tests' have ended). */
/* The network process holds the timeouts and limits it was started with:
 * after changing them in d.cfg, start it again. */
static void renet(void)
{
    char e[ROAM_ERR_MAX];
    if (roamd_net_restart(&d, e, sizeof e) < 0)
        tap_diag("network process: %s", e);
}

static void settle(void)
{
    int running = 1;
    for (int i = 0; i < 300 && running; i++) {
        pthread_mutex_lock(&d.lock);
        running = d.sessions;
        pthread_mutex_unlock(&d.lock);
        if (running)
            usleep(10000);
    }
}

/* ms until the daemon closes fd (reads 0 or a reset), at most limit_ms;
 * -1 if it was still open then. */
static int64_t closed_within(int fd, int limit_ms)
{
    int64_t t0 = roam_now_ms();
    char b[64];
    while (roam_wait_fd(fd, 0, roam_deadline(limit_ms - (int)(roam_now_ms() - t0))) > 0) {
        ssize_t got = recv(fd, b, sizeof b, 0);
        if (got == 0 || (got < 0 && errno == ECONNRESET))
            return roam_now_ms() - t0;
        if (got < 0)
            break;
    }
    return -1;
}

/* A TLS 1.3 ClientHello as a client's first flight (OpenSSL, in memory):
 * its length, 0 on failure. */
static size_t client_hello(uint8_t *out, size_t cap)
{
    SSL_CTX *x = SSL_CTX_new(TLS_client_method());
    SSL *s = x && SSL_CTX_set_min_proto_version(x, TLS1_3_VERSION) ? SSL_new(x) : NULL;
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    int n = 0;
    if (s && rb && wb) {
        SSL_set_bio(s, rb, wb);   /* s owns them now */
        rb = wb = NULL;
        SSL_set_connect_state(s);
        (void)SSL_do_handshake(s);
        n = BIO_read(SSL_get_wbio(s), out, (int)cap);
    }
    BIO_free(rb);
    BIO_free(wb);
    SSL_free(s);
    SSL_CTX_free(x);
    return n > 0 ? (size_t)n : 0;
}

/* A peer's AdmissionQuery for an unknown admission gets its answer. */
static int peer_served(roam_tls_ctx *peer)
{
    roam_tls_conn *pc = dial(peer, pport);
    if (!pc)
        return 0;
    roam_stream s = roam_tls_stream(pc);
    uint8_t unknown[16] = { 0xee, 0x01 };
    roam_envelope *in = NULL;
    int ok = send_admission_query(&s, unknown) == ROAM_OK &&
             roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER, &in, 3000, err,
                             sizeof err) == ROAM_OK && !in->admission_answer->granted;
    roam_msg_free(in);
    roam_tls_close(pc, 500);
    return ok;
}

/* Connection exhaustion: idle TCP connections, silent and trickling
 * handshakes, one source's many connections.  None of them may keep a
 * peer or another source's client from being served. */
static void test_exhaustion(roam_tls_ctx *ctx, const abe_key_t *key, roam_tls_ctx *peer)
{
    int io_timeout = d.cfg.io_timeout_ms, hs_timeout = d.cfg.handshake_timeout_ms;
    d.cfg.io_timeout_ms = 20000;   /* what closes a handshake must be its own deadline */
    d.cfg.handshake_timeout_ms = 20000;
    settle();
    renet();

    /* Twenty idle connections from one address: it holds max_per_source
     * of them (four), the rest are closed at once. */
    int idle[20], held = 0;
    for (int i = 0; i < 20; i++) {
        idle[i] = tcp_from("127.0.0.1", port);
        usleep(2000);
    }
    usleep(200000);   /* the accept loop has seen them all */
    for (int i = 0; i < 20; i++)
        held += idle[i] >= 0 && closed_within(idle[i], 300) < 0;
    tap_eq(held, 4, "20 idle connections from one address: 4 held (max_per_source), the rest "
           "closed at once");
    tap_ok(peer_served(peer), "a peer is served meanwhile (%s)", err);
    dial_src = "127.0.0.2";
    tap_ok(alive(ctx, key), "a client from another address is served meanwhile (%s)", err);
    dial_src = NULL;
    for (int i = 0; i < 20; i++)
        if (idle[i] >= 0)
            close(idle[i]);
    settle();

    /* The client port's handshake pool full, from 70 addresses: a peer is
     * still served (its own pool). */
    int many[70];
    for (int i = 0; i < 70; i++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.1.%d", i + 1);
        many[i] = tcp_from(src, port);
    }
    usleep(100000);
    tap_ok(peer_served(peer), "a peer is served with the client port's handshakes full (%s)",
           err);
    /* They wait in the lobby (no thread, no handshake counted): a client
     * whose ClientHello comes at once is served past them. */
    dial_src = "127.0.0.9";
    tap_ok(alive(ctx, key), "a client from another address is served with 70 idle "
           "connections from 70 addresses held (%s)", err);
    dial_src = NULL;
    /* The lobby (max_waiting = 80) full: each newcomer closes the one that
     * has waited longest. */
    int more[20];
    for (int i = 0; i < 20; i++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.2.%d", i + 1);
        more[i] = tcp_from(src, port);
    }
    usleep(100000);
    int oldest_gone = 0, newest_kept = 0;
    for (int i = 0; i < 10; i++)
        oldest_gone += many[i] >= 0 && closed_within(many[i], 300) >= 0;
    for (int i = 10; i < 20; i++)
        newest_kept += more[i] >= 0 && closed_within(more[i], 50) < 0;
    tap_ok(oldest_gone == 10 && newest_kept == 10, "lobby full: the 10 oldest of 90 idle "
           "connections closed (%d), the newest kept (%d)", oldest_gone, newest_kept);
    dial_src = "127.0.0.9";
    tap_ok(alive(ctx, key), "a client is served with the lobby full (%s)", err);
    dial_src = NULL;
    for (int i = 0; i < 20; i++)
        if (more[i] >= 0)
            close(more[i]);
    for (int i = 0; i < 70; i++)
        if (many[i] >= 0)
            close(many[i]);
    settle();   /* their handshakes end on their own threads */

    /* Stalled handshakes, from 70 addresses (more than max_startups FULL):
     * a whole ClientHello, then nothing.  The lobby drives their
     * handshakes, so no thread waits on them, and a client whose handshake
     * goes on is served past them. */
    uint8_t ch[4096];
    size_t chn = client_hello(ch, sizeof ch);
    int stalled[70], sent = 0;
    for (int i = 0; i < 70; i++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.3.%d", i + 1);
        stalled[i] = tcp_from(src, port);
        sent += stalled[i] >= 0 && chn > 0 &&
                send(stalled[i], ch, chn, MSG_NOSIGNAL) == (ssize_t)chn;
    }
    usleep(300000);
    pthread_mutex_lock(&d.lock);
    int threads = d.sessions;
    pthread_mutex_unlock(&d.lock);
    tap_ok(sent == 70 && threads == 0, "70 stalled handshakes (%d ClientHellos sent): %d "
           "threads wait on them", sent, threads);
    int64_t t_alive = roam_now_ms();
    dial_src = "127.0.0.9";
    err[0] = '\0';
    int served = alive(ctx, key);
    tap_ok(served, "a client is served past 70 stalled handshakes in %lld ms (%s)",
           (long long)(roam_now_ms() - t_alive), err);
    dial_src = NULL;
    for (int i = 0; i < 70; i++)
        if (stalled[i] >= 0)
            close(stalled[i]);
    settle();

    /* A silent and a trickling handshake: closed after
     * handshake_timeout_ms, not io_timeout_ms. */
    d.cfg.handshake_timeout_ms = 500;
    renet();
    int silent = tcp_from("127.0.0.3", port);
    int64_t ms = silent >= 0 ? closed_within(silent, 3000) : -1;
    tap_ok(ms >= 300 && ms < 2000, "silent TLS handshake closed after the deadline (%lld ms)",
           (long long)ms);
    close(silent);
    int slow = tcp_from("127.0.0.3", port);
    static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc };
    int64_t t0 = roam_now_ms();
    int open_at_end = 1;
    for (size_t i = 0; i < sizeof hello && open_at_end; i++) {
        open_at_end = send(slow, &hello[i], 1, MSG_NOSIGNAL) == 1;
        if (closed_within(slow, 150) >= 0)
            open_at_end = 0;
    }
    if (open_at_end)
        open_at_end = closed_within(slow, 3000) < 0;
    ms = roam_now_ms() - t0;
    tap_ok(!open_at_end && ms < 2000, "trickling TLS handshake closed after the deadline "
           "(%lld ms)", (long long)ms);
    close(slow);
    d.cfg.handshake_timeout_ms = 20000;
    settle();
    renet();

    /* Per source: a fifth connection from 127.0.0.4 is closed at once while
     * 127.0.0.5's first is not. */
    int four[4], other, fifth;
    for (int i = 0; i < 4; i++)
        four[i] = tcp_from("127.0.0.4", port);
    usleep(50000);
    fifth = tcp_from("127.0.0.4", port);
    other = tcp_from("127.0.0.5", port);
    ms = closed_within(fifth, 1000);
    tap_ok(ms >= 0 && ms < 500, "fifth connection from one address closed at once (%lld ms)",
           (long long)ms);
    tap_ok(closed_within(other, 500) < 0, "another address's first connection is kept");
    for (int i = 0; i < 4; i++)
        close(four[i]);
    close(fifth);
    close(other);

    d.cfg.io_timeout_ms = io_timeout;
    d.cfg.handshake_timeout_ms = hs_timeout;
    settle();
    renet();
}

/* The audit log has, or gets within a second, a line with both strings. */
static int audited(const char *a, const char *b)
{
    char p[512], line[4096];
    path(p, sizeof p, "audit.jsonl");
    int found = 0;
    for (int tries = 0; !found && tries < 20; tries++) {
        if (tries)
            usleep(50000);
        FILE *f = fopen(p, "r");
        while (f && !found && fgets(line, sizeof line, f))
            found = strstr(line, a) && strstr(line, b);
        if (f)
            fclose(f);
    }
    return found;
}

/* How many audit lines hold both a and b. */
static int audited_count(const char *a, const char *b)
{
    char p[512], line[4096];
    path(p, sizeof p, "audit.jsonl");
    int n = 0;
    FILE *f = fopen(p, "r");
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, a) && strstr(line, b);
    if (f)
        fclose(f);
    return n;
}

/* h's registration: the sample one for h->moa, padded with an unknown
 * field of pad bytes unless pad is 0. */
static void set_registration(roam_handover *h, size_t pad)
{
    struct reg_spec s;
    reg_spec_sample(&s, h->moa);
    s.pad = pad;
    h->reg_len = reg_encode(&s, h->reg, sizeof h->reg);
}

/* Handovers the destination must drop, in one session (each peer session
 * holds a slot until its deferred link-down gives up, and the test daemon
 * has few): post-processing still done, no handover time, nothing to the
 * IMS, no router hello, each refusal audited with its reason. */
static void test_handover_refusals(roam_tls_ctx *ctx, const abe_key_t *key, int ims_fd,
                                   uint16_t ims_port)
{
    static const char *what[] = {
        "from a foreign mobile address", "to another port than the IMS's",
        "to another address than the IMS's", "carrying no registration",
        "with an oversized registration",
    };
    static roam_handover bad[5];
    for (size_t i = 0; i < 5; i++)
        bad[i] = sample_ho;
    /* Another address in the served /64: the co-tenant's whose router
     * entry the hello would poison. */
    inet_pton(AF_INET6, HOLAB_PREFIX "5054:ff:fe00:99", bad[0].moa);
    set_registration(&bad[0], 0);
    bad[1].ims_port = (uint16_t)(ims_port ^ 1);
    inet_pton(AF_INET6, HOLAB_PREFIX "1", bad[2].ims_addr);
    bad[3].reg_len = 300;
    for (size_t i = 0; i < bad[3].reg_len; i++)
        bad[3].reg[i] = (uint8_t)(i * 13 + 5);
    set_registration(&bad[4], 800);

    uint8_t ns[256], reg[2048];
    size_t ns_len, reg_len;
    roam_envelope *in = handover_sessions(ctx, key, ims_fd, bad, 5, ns, &ns_len, reg, &reg_len);
    int done = in && in->body_case == ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    tap_ok(done && in->post_process_done->ok && in->post_process_done->handover_at_us == 0 &&
           reg_len == 0 && ns_len == 0,
           "bad handovers: post-processing done, nothing sent (IMS got %zu, hello %zu bytes)",
           reg_len, ns_len);
    roam_msg_free(in);
    char port_text[80], addr_text[80];
    snprintf(port_text, sizeof port_text, "handover for [%s]:%u, not", HOLAB_IMS, ims_port ^ 1);
    snprintf(addr_text, sizeof addr_text, "handover for [%s1]:%u, not", HOLAB_PREFIX, ims_port);
    const char *why[] = { "not the VM's SLAAC address", port_text, addr_text,
                          "registration: ", "a registration is at most" };
    for (size_t i = 0; i < 5; i++)
        tap_ok(audited("\"refused\"", why[i]), "handover %s: dropped and audited (%s)",
               what[i], why[i]);
}

/* Another tenant on the VM bridge: the router's RA, its link-local source
 * and its MAC in the option, but sent from the tenant's own MAC. */
static volatile int rogue_stop;
static void *rogue_run(void *arg)
{
    (void)arg;
    static const uint8_t tenant[6] = { 0x52, 0x54, 0x00, 0x66, 0x66, 0x66 };
    uint8_t ra[64], frame[256];
    struct in6_addr src, dst;
    inet_pton(AF_INET6, HOLAB_ROUTER, &src);
    inet_pton(AF_INET6, "ff02::1", &dst);
    size_t n = holab_make_ra(ra);
    int len = roam_nd_frame_build(frame, sizeof frame, tenant, NULL, &src, &dst, ra, n);
    while (len > 0 && !rogue_stop) {
        holab_vm_send(frame, (size_t)len);
        usleep(30000);
    }
    return NULL;
}

/* With only the tenant's RAs on the bridge, the destination serves none. */
static void test_rogue_ra(roam_tls_ctx *ctx, const abe_key_t *key)
{
    uint8_t q[16], ra[2048];
    struct in6_addr router;
    pthread_t t;
    rogue_stop = 0;
    pthread_create(&t, NULL, rogue_run, NULL);
    roamd_peer *p = NULL;
    dial_src = "127.0.0.11";   /* a rate bucket of its own */
    int r = admit(ctx, key, q);
    dial_src = NULL;
    if (r == 0)
        p = roamd_peer_connect(&d, "127.0.0.1", err, sizeof err);
    if (p && roamd_peer_admission(p, "vm1", "127.0.0.1", q, err, sizeof err) == 0)
        r = roamd_peer_ra(p, "vm1", q, ra, sizeof ra, &router, err, sizeof err);
    else
        r = 1;
    roamd_peer_close(p);
    rogue_stop = 1;
    pthread_join(t, NULL);
    tap_ok(r < 0 && strstr(err, "from the provider's router") && !strstr(err, "(0 from others"),
           "RAs from another tenant's MAC are not served (%s)", err);
}

/* A source whose roamd dies after PostProcess (its connection closes
 * without an Error) has not given up: libvirt's job goes on without it, so
 * the destination keeps waiting for the VM and post-processes it when its
 * RARP comes. */
static void test_source_gone(roam_tls_ctx *ctx, const abe_key_t *key)
{
    const char *ev = "\"event\":\"post-processing\"", *ok = "\"outcome\":\"done\"";
    int before = audited_count(ev, ok);
    roamd_peer *p = armed_peer(ctx, key);
    int vm_fd = holab_vm_open();
    roamd_peer_close(p);
    tap_ok(p && audited("\"source gone\"", "waiting for the VM all the same"),
           "source gone after PostProcess: the destination waits on, audited");
    int sent = vm_fd >= 0 && holab_rarp(vm_secondary) == 0;
    for (int i = 0; i < 50 && audited_count(ev, ok) == before; i++)
        usleep(100000);
    tap_ok(sent && audited_count(ev, ok) == before + 1,
           "source gone: the VM's RARP still gets it post-processed");
    if (vm_fd >= 0)
        close(vm_fd);
}

/* switch_at = pause: at the source's SwitchNow (the VM paused for its last
 * copy) the destination sends the router hello and the registration before
 * any RARP, and not again at the RARP. */
static void test_switch_now(roam_tls_ctx *ctx, const abe_key_t *key, int ims_fd)
{
    uint8_t reg[2048], ns[256];
    roamd_peer *p = armed_peer(ctx, key);
    int vm_fd = holab_vm_open();
    int sent = p && roamd_peer_handover(p, &sample_ho, err, sizeof err) == 0 &&
               roamd_peer_switch_now(p, err, sizeof err) == 0;
    size_t reg_len = sent ? holab_ims_recv(ims_fd, reg, sizeof reg, 2000) : 0;
    size_t ns_len = vm_fd >= 0 && sent ? holab_recv_ns(vm_fd, sample_ho.moa, ns, sizeof ns, 500)
                                       : 0;
    tap_ok(reg_len == sample_ho.reg_len && memcmp(reg, sample_ho.reg, reg_len) == 0 &&
           ns_len > 0,
           "SwitchNow: registration (%zu bytes) and router hello (%zu) out before any RARP",
           reg_len, ns_len);
    roam_envelope *in = NULL;
    if (sent && vm_fd >= 0 && holab_rarp(vm_secondary) == 0 &&
        roamd_peer_wait_done(p, 5000, &in, err, sizeof err) < 0)
        in = NULL;
    size_t again = holab_ims_recv(ims_fd, reg, sizeof reg, 300);
    int done = in && in->body_case == ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    tap_ok(done && in->post_process_done->ok && in->post_process_done->handover_at_us > 0 &&
           in->post_process_done->handover_at_us < in->post_process_done->rarp_at_us &&
           again == 0,
           "SwitchNow: handover at %llu us, before the RARP at %llu us, not repeated (%zu)",
           done ? (unsigned long long)in->post_process_done->handover_at_us : 0ULL,
           done ? (unsigned long long)in->post_process_done->rarp_at_us : 0ULL, again);
    roam_msg_free(in);
    tap_ok(audited("\"at\":\"pause\"", "\"ims_answered\":true"),
           "SwitchNow: the audit says the handover went out at the pause");
    if (vm_fd >= 0)
        close(vm_fd);
    roamd_peer_close(p);

    /* A SwitchNow without a SwitchHandover sends nothing. */
    p = armed_peer(ctx, key);
    sent = p && roamd_peer_switch_now(p, err, sizeof err) == 0;
    reg_len = holab_ims_recv(ims_fd, reg, sizeof reg, 300);
    tap_ok(sent && reg_len == 0, "SwitchNow without a handover: nothing sent (%zu bytes)",
           reg_len);
    roamd_peer_abort(p, ROAM__V1__PHASE__PHASE_MIGRATION, "test: no VM comes");   /* closes */
}

/* The secondary NIC does not answer for its address: the report says so,
 * and that the primary NIC goes down all the same (a VM left with both NICs
 * up could not move again; the test driver cannot change a link, so the
 * link itself is checked on the lab, tests/faults). */
static void test_unconfirmed(roam_tls_ctx *ctx, const abe_key_t *key, int ims_fd)
{
    d.cfg.confirm_timeout_ms = 300;
    uint8_t ns[256], reg[2048];
    size_t ns_len, reg_len;
    roam_envelope *in = handover_session(ctx, key, ims_fd, ns, &ns_len, reg, &reg_len);
    d.cfg.confirm_timeout_ms = 0;
    int done = in && in->body_case == ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    const char *msg = done && in->post_process_done->error ? in->post_process_done->error->message
                                                           : "";
    tap_ok(done && !in->post_process_done->ok && strstr(msg, "did not answer") &&
           strstr(msg, "taken down all the same"), "unconfirmed address reported: %s", msg);
    roam_msg_free(in);
}

static void test_handover(roam_tls_ctx *ctx, const abe_key_t *key, roam_tls_ctx *peer)
{
    int confirm = d.cfg.confirm_timeout_ms;
    d.cfg.confirm_timeout_ms = 0;      /* no guest here to answer for its address */
    holab_router_start();
    uint16_t ims_port = 0;
    int ims_fd = holab_ims_open(&ims_port);
    uint8_t ns[256], reg[2048];
    size_t ns_len, reg_len;
    inet_pton(AF_INET6, HOLAB_PREFIX "5054:ff:fe00:2", sample_ho.moa);
    inet_pton(AF_INET6, HOLAB_IMS, sample_ho.ims_addr);
    sample_ho.ims_port = ims_port;
    set_registration(&sample_ho, 0);
    memcpy(d.cfg.ims_addr, sample_ho.ims_addr, 16);
    d.cfg.ims_port = ims_port;

    roam_envelope *in = handover_session(ctx, key, ims_fd, ns, &ns_len, reg, &reg_len);
    int done = in && in->body_case == ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    tap_ok(done && in->post_process_done->ok && in->post_process_done->handover_at_us > 0 &&
           in->post_process_done->handover_at_us >= in->post_process_done->rarp_at_us,
           "handover: PostProcessDone records it (rarp %llu us, handover %llu us; %s)",
           done ? (unsigned long long)in->post_process_done->rarp_at_us : 0ULL,
           done ? (unsigned long long)in->post_process_done->handover_at_us : 0ULL,
           !done ? err : in->post_process_done->error ? in->post_process_done->error->message
                                                       : "ok");
    roam_msg_free(in);
    tap_ok(reg_len == sample_ho.reg_len && memcmp(reg, sample_ho.reg, reg_len) == 0,
           "handover: the IMS got the registration byte for byte (%zu bytes)", reg_len);
    struct in6_addr router, group, target;
    inet_pton(AF_INET6, HOLAB_ROUTER, &router);
    roam_solicited_node(&router, &group);
    tap_ok(ns_len >= 14 + 40 + 32 && memcmp(ns + 6, vm_secondary, 6) == 0 &&
           ns[14 + 7] == 255 && memcmp(ns + 14 + 24, group.s6_addr, 16) == 0 &&
           roam_frame_ns_target(ns, ns_len, vm_secondary, &target) &&
           memcmp(&target, &router, 16) == 0 && ns[14 + 40 + 24] == 1 &&
           memcmp(ns + 14 + 40 + 26, vm_secondary, 6) == 0,
           "handover: router hello on the bridge from the MoA and the VM's MAC, for the router "
           "(%zu bytes)", ns_len);
    char bytes[64];
    snprintf(bytes, sizeof bytes, "\"registration_bytes\":%zu", sample_ho.reg_len);
    tap_ok(audited("\"ims_answered\":true", bytes), "handover: audit says the IMS answered");

    in = malformed_session(ctx, key, peer);
    tap_ok(in && in->body_case == ROAM__V1__ENVELOPE__BODY_ERROR &&
           in->error->phase == ROAM__V1__PHASE__PHASE_PROTOCOL &&
           strstr(in->error->message, "SwitchHandover.moa"),
           "malformed SwitchHandover refused: %s", in && in->error ? in->error->message : err);
    roam_msg_free(in);
    tap_ok(audited("disarmed", "malformed message refused by the network process"),
           "malformed SwitchHandover: post-processing disarmed, audited");
    tap_ok(alive(ctx, key), "daemon alive after a malformed SwitchHandover");

    test_handover_refusals(ctx, key, ims_fd, ims_port);
    dial_src = "127.0.0.14";   /* rate buckets of their own */
    test_switch_now(ctx, key, ims_fd);
    dial_src = "127.0.0.15";
    test_unconfirmed(ctx, key, ims_fd);
    dial_src = NULL;

    d.cfg.handover = 0;
    in = handover_session(ctx, key, ims_fd, ns, &ns_len, reg, &reg_len);
    done = in && in->body_case == ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    tap_ok(done && in->post_process_done->ok && in->post_process_done->handover_at_us == 0 &&
           reg_len == 0 && ns_len == 0,
           "handover = no: post-processing done, nothing sent (IMS got %zu, hello %zu bytes)",
           reg_len, ns_len);
    roam_msg_free(in);
    tap_ok(audited("\"ignored\"", "handover = no"), "handover = no: ignoring it audited");
    d.cfg.handover = 1;

    test_source_gone(ctx, key);
    close(ims_fd);
    holab_router_stop();
    test_rogue_ra(ctx, key);
    d.cfg.confirm_timeout_ms = confirm;
}

/* A fake destination daemon for the source flow: accepts mutual TLS and
 * then misbehaves in the way `fake_mode` says.  FAKE_PIPELINE answers
 * nothing: it waits for the request after the AdmissionQuery (fake_second:
 * its body; 0 if none came within a second), then closes.  fake_accepted_us: when
 * the source's TCP connection was accepted. */
enum { FAKE_STALL, FAKE_GARBAGE, FAKE_BAD_RA, FAKE_PIPELINE };
static int fake_mode, fake_listen = -1, fake_second;
static int64_t fake_accepted_us, fake_query_us, migrate_sent_us;
static int migrate_delay_ms;   /* a client that sends Migrate only after its Result */
static roam_tls_ctx *fake_ctx;

static void *fake_peer(void *arg)
{
    (void)arg;
    char e[ROAM_ERR_MAX];
    int fd = roam_tcp_accept(fake_listen, 5000, e, sizeof e);
    if (fd < 0)
        return NULL;
    fake_accepted_us = roam_mono_us();
    roam_tls_conn *c = roam_tls_accept(fake_ctx, fd, 2000, e, sizeof e);
    if (!c)
        return NULL;
    roam_stream s = roam_tls_stream(c);
    roam_envelope *in = NULL;
    if (roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY, &in, 2000, e,
                        sizeof e) == ROAM_OK) {
        fake_query_us = roam_mono_us();
        if (fake_mode == FAKE_STALL) {
            usleep(1500000);
        } else if (fake_mode == FAKE_PIPELINE) {
            roam_envelope *next = NULL;
            fake_second = roam_msg_recv(&s, &next, 1000, e, sizeof e) == ROAM_OK
                ? (int)next->body_case : 0;
            roam_msg_free(next);
        } else if (fake_mode == FAKE_GARBAGE) {
            static const uint8_t junk[] = { 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff };
            roam_stream_write_full(&s, junk, sizeof junk, roam_deadline(1000), e, sizeof e);
        } else {
            Roam__V1__AdmissionAnswer a = ROAM__V1__ADMISSION_ANSWER__INIT;
            a.granted = 1;
            roam_envelope env = ROAM__V1__ENVELOPE__INIT, *f = NULL;
            env.body_case = ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER;
            env.admission_answer = &a;
            roam_msg_send(&s, &env, 1000, e, sizeof e);
            if (roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_RA_FETCH, &f, 2000, e,
                                sizeof e) == ROAM_OK) {
                static uint8_t lie[] = "this is not a router advertisement";
                static uint8_t src[16] = { 0xfe, 0x80, [15] = 1 };
                Roam__V1__RaAnswer ra = ROAM__V1__RA_ANSWER__INIT;
                ra.ra.data = lie;
                ra.ra.len = sizeof lie;
                ra.source.data = src;
                ra.source.len = 16;
                env.body_case = ROAM__V1__ENVELOPE__BODY_RA_ANSWER;
                env.ra_answer = &ra;
                roam_msg_send(&s, &env, 1000, e, sizeof e);
                roam_msg_free(f);
                /* Wait for the source's Error (its rollback) or close. */
                roam_msg_recv(&s, &f, 2000, e, sizeof e);
                roam_msg_free(f);
            }
        }
    }
    roam_msg_free(in);
    roam_tls_close(c, 200);
    return NULL;
}

/* Authenticate for migrate and send Migrate toward the fake destination;
 * returns the failed phase of MigrateDone (0 if none came) and its text. */
static int migrate_against_fake(roam_tls_ctx *ctx, const abe_key_t *key, int mode, char *why,
                                size_t cap)
{
    fake_mode = mode;
    pthread_t t;
    pthread_create(&t, NULL, fake_peer, NULL);
    uint8_t q[16] = { 9, (uint8_t)mode };
    roam_tls_conn *c = NULL;
    int phase = 0;
    snprintf(why, cap, "no MigrateDone");
    if (auth(ctx, key, ROAM__V1__ROLE__ROLE_MIGRATE, "vm1", "127.0.0.1", q, &c, why, cap) == 0) {
        roam_stream s = roam_tls_stream(c);
        Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
        roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
        env.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
        env.migrate = &m;
        if (migrate_delay_ms)
            usleep((useconds_t)migrate_delay_ms * 1000);
        migrate_sent_us = roam_mono_us();
        roam_msg_send(&s, &env, 2000, err, sizeof err);
        while (roam_msg_recv(&s, &in, 5000, err, sizeof err) == ROAM_OK) {
            if (in->body_case == ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE && in->migrate_done->error) {
                phase = in->migrate_done->error->phase;
                snprintf(why, cap, "%s", in->migrate_done->error->message);
            }
            roam_msg_free(in);
            in = NULL;
        }
        roam_tls_close(c, 500);
    }
    pthread_join(t, NULL);
    return phase;
}

/* A dry run of vm1 from this daemon to itself, as roam migrate --dry-run
 * runs it: both authentications marked dry-run, then Migrate.  0 when the
 * source answers a passed dry run; -1 with the failed phase and why. */
static int dry_run(roam_tls_ctx *ctx, const abe_key_t *key, uint32_t bandwidth,
                   const uint8_t q[16], Roam__V1__Phase *phase, char *why, size_t cap)
{
    struct roam_client_id id = { .mpk = mpk, .key = key };
    struct roam_auth_req req = { .role = ROAM__V1__ROLE__ROLE_ACCEPT, .vm = "vm1",
                                 .src = "127.0.0.1", .dst = "127.0.0.1", .dry_run = 1 };
    memcpy(req.query_id, q, 16);
    *phase = ROAM__V1__PHASE__PHASE_DEST_AUTH;
    roam_tls_conn *c = dial(ctx, port);
    int r = c ? roam_client_authenticate(c, &id, &req, 5000, why, cap) : -1;
    roam_tls_close(c, 500);
    if (r < 0)
        return -1;
    *phase = ROAM__V1__PHASE__PHASE_SOURCE_AUTH;
    req.role = ROAM__V1__ROLE__ROLE_MIGRATE;
    c = dial(ctx, port);
    if (!c || roam_client_authenticate(c, &id, &req, 5000, why, cap) < 0) {
        roam_tls_close(c, 500);
        return -1;
    }
    roam_stream s = roam_tls_stream(c);
    Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
    m.bandwidth_mibs = bandwidth;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
    env.migrate = &m;
    *phase = ROAM__V1__PHASE__PHASE_PROTOCOL;
    snprintf(why, cap, "no MigrateDone");
    r = -1;
    if (roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK)
        while (roam_msg_recv(&s, &in, 5000, err, sizeof err) == ROAM_OK) {
            if (in->body_case == ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE) {
                const Roam__V1__MigrateDone *done = in->migrate_done;
                if (done->ok && done->dry_run) {
                    snprintf(why, cap, "passed");
                    r = 0;
                }
                else if (done->ok)
                    snprintf(why, cap, "a dry run answered as a migration");
                else {
                    *phase = done->error->phase;
                    snprintf(why, cap, "%s", done->error->message);
                }
            }
            roam_msg_free(in);
            in = NULL;
        }
    roam_tls_close(c, 500);
    return r;
}

/* One Locate of query q with key on a fresh connection; with foreign, the
 * MAC is made for another connection's exporter (a replay).  The answer's
 * location, 10 * pending added; -1 when none came. */
static int locate(roam_tls_ctx *ctx, const uint8_t q[16], const uint8_t key[32], int foreign)
{
    roam_tls_conn *c = dial(ctx, port), *other = foreign ? dial(ctx, port) : NULL;
    uint8_t exporter[ROAM_EXPORTER_LEN], mac[ROAM_MAC_LEN];
    roam_envelope *in = NULL;
    int r = -1;
    if (!c || (foreign && !other) ||
        roam_tls_exporter(foreign ? other : c, exporter, err, sizeof err) < 0 ||
        roam_locate_mac(key, q, exporter, mac, err, sizeof err) < 0)
        goto out;
    Roam__V1__Locate lq = ROAM__V1__LOCATE__INIT;
    lq.query_id.data = (uint8_t *)q;
    lq.query_id.len = 16;
    lq.mac.data = mac;
    lq.mac.len = sizeof mac;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_LOCATE;
    env.locate = &lq;
    roam_stream s = roam_tls_stream(c);
    if (roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK &&
        roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_LOCATE_ANSWER, &in, 5000, err,
                        sizeof err) == ROAM_OK)
        r = (int)in->locate_answer->location + 10 * in->locate_answer->pending;
out:
    roam_msg_free(in);
    roam_tls_close(other, 500);
    roam_tls_close(c, 500);
    return r;
}

/* After a granted authentication the client can ask where the VM runs,
 * proven by its locate key; a wrong key, a replayed MAC, an unknown query
 * and a dry run's query all get the same uniform answer. */
static void test_locate(roam_tls_ctx *ctx, const abe_key_t *key)
{
    struct roam_client_id id = { .mpk = mpk, .key = key };
    uint8_t k[32], wrong[32], q[16], q2[16];
    memset(wrong, 0x5a, sizeof wrong);
    for (int i = 0; i < 16; i++) {
        q[i] = (uint8_t)(0xa0 + i);
        q2[i] = (uint8_t)(0xb0 + i);
    }
    struct roam_auth_req req = { .role = ROAM__V1__ROLE__ROLE_ACCEPT, .vm = "vm1",
                                 .src = "127.0.0.2", .dst = "127.0.0.1", .locate_key = k };
    memcpy(req.query_id, q, 16);
    char why[ROAM_MESSAGE_MAX] = "";
    roam_tls_conn *c = dial(ctx, port);
    int r = c ? roam_client_authenticate(c, &id, &req, 5000, why, sizeof why) : -1;
    roam_tls_close(c, 500);
    tap_eq(r, 0, "locate: accept authentication (%s)", why);
    const int running = ROAM__V1__VM_LOCATION__LOCATE_RUNNING,
              unknown = ROAM__V1__VM_LOCATION__LOCATE_UNKNOWN;
    tap_eq(locate(ctx, q, k, 0), running, "locate: its key proves the query: vm1 runs here");
    tap_ok(audited("\"event\":\"locate\"", "\"location\":\"running\""),
           "locate: audited with the answer");
    tap_eq(locate(ctx, q, wrong, 0), unknown, "locate: a wrong key gets the uniform answer");
    tap_eq(locate(ctx, q, k, 1), unknown,
           "locate: a MAC made on another connection (replay) gets it too");
    tap_eq(locate(ctx, q2, k, 0), unknown, "locate: an unknown query gets it too");
    req.dry_run = 1;
    memcpy(req.query_id, q2, 16);
    c = dial(ctx, port);
    r = c ? roam_client_authenticate(c, &id, &req, 5000, why, sizeof why) : -1;
    roam_tls_close(c, 500);
    tap_ok(r == 0 && locate(ctx, q2, k, 0) == unknown,
           "locate: a dry run's query cannot be located (nothing was stored)");
    char p[600], hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", q[i]);
    snprintf(p, sizeof p, "%s/locate/accept-%s", dir, hex);
    struct stat st;
    tap_ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600,
           "locate: the key is kept on disk, mode 0600 (a restarted roamd answers too)");
    tap_ok(alive(ctx, key), "locate: the daemon serves on");
}

/* roam migrate --dry-run against the real daemon: every check, nothing
 * recorded or consumed, refusals as in a real run. */
static void test_dry_run(roam_tls_ctx *ctx, const abe_key_t *alice, const abe_key_t *nob4)
{
    char why[ROAM_MESSAGE_MAX];
    Roam__V1__Phase ph;
    uint8_t q[16];
    for (int i = 0; i < 16; i++)
        q[i] = (uint8_t)rand();
    size_t before = roamd_admission_count(d.adm, roam_now_ms());
    tap_eq(dry_run(ctx, alice, 0, q, &ph, why, sizeof why), 0,
           "dry run with an authorized key passes every check (%s)", why);
    tap_eq(roamd_admission_count(d.adm, roam_now_ms()), before,
           "dry run recorded no admission and took none");
    tap_ok(audited("\"dry-run passed\"", "\"dry_run\":true"), "dry run audited as such");
    tap_ok(audited("\"dry-run passed\"", "\"tls\":true"),
           "the migrate record says the data would go over TLS (the default)");
    roamd_peer *p = roamd_peer_connect(&d, "127.0.0.1", err, sizeof err);
    tap_ok(p && roamd_peer_admission(p, "vm1", "127.0.0.1", q, err, sizeof err) < 0 &&
           strstr(err, "no admission"),
           "a dry run's authentication admits no real migration (%s)", err);
    roamd_peer_close(p);
    why[0] = '\0';
    tap_eq(auth(ctx, alice, ROAM__V1__ROLE__ROLE_ACCEPT, "vm1", "127.0.0.1", q, NULL, why,
                sizeof why), 0, "after the dry run, the same query is admitted for real (%s)",
           why);
    tap_eq(roamd_admission_count(d.adm, roam_now_ms()), before + 1,
           "the real admission is the only one recorded");
    for (int i = 0; i < 16; i++)
        q[i] = (uint8_t)rand();
    tap_ok(dry_run(ctx, nob4, 0, q, &ph, why, sizeof why) < 0 &&
           ph == ROAM__V1__PHASE__PHASE_SOURCE_AUTH &&
           strstr(why, "not authorized by the VM's migrate policy"),
           "dry run with an unauthorized key refused at source authentication (%s)", why);
    tap_ok(dry_run(ctx, alice, ROAM_BANDWIDTH_MAX_MIBS + 1u, q, &ph, why, sizeof why) < 0 &&
           ph == ROAM__V1__PHASE__PHASE_PRE_PROCESSING && strstr(why, "bandwidth"),
           "bandwidth beyond %d MiB/s refused by the source (%s)", ROAM_BANDWIDTH_MAX_MIBS, why);
    tap_eq(dry_run(ctx, alice, ROAM_BANDWIDTH_MAX_MIBS, q, &ph, why, sizeof why), 0,
           "bandwidth of %d MiB/s accepted (%s)", ROAM_BANDWIDTH_MAX_MIBS, why);
}

/* Initialize daemon dd named (and listening on) name, with the files
 * FILES.pem/.key and its audit log in the test directory. */
static int start_daemon(struct roamd *dd, struct roamd_config *cfg, const char *name,
                        const char *files, const char *audit_name, const char *bridge)
{
    char conf[4096], nodep[512], audit[512], ca[512], crt[512], key[512], mpkp[512], f[64];
    path(ca, sizeof ca, "ca.pem");
    snprintf(f, sizeof f, "%s.pem", files);
    path(crt, sizeof crt, f);
    snprintf(f, sizeof f, "%s.key", files);
    path(key, sizeof key, f);
    path(mpkp, sizeof mpkp, "mpk.pem");
    path(nodep, sizeof nodep, "node.xml");
    path(audit, sizeof audit, audit_name);
    snprintf(conf, sizeof conf,
             "[roamd]\nname = %s\nlisten = %s:0\npeer_listen = %s:0\n"
             "cert = %s\nkey = %s\npeer_ca = %s\nmpk = %s\naccept_policy = customer\n"
             "libvirt_uri = test://%s\nbridge = %s\nuplink = %s\naudit_log = %s\n"
             "router = " HOLAB_ROUTER "\nrouter_mac = 52:54:00:aa:00:01\n"
             "migrate_uri = test://{host}/default\n"
             "[limits]\nmax_sessions = 6\nio_timeout_ms = 700\nra_timeout_ms = 300\n"
             "admission_wait_ms = 300\n"
             "ra_max_age = 0\nmax_waiting = 80\n",
             name, name, name, crt, key, ca, mpkp, nodep, bridge, bridge, audit);
    roamd_config_defaults(cfg);
    if (roamd_config_parse_string(cfg, conf, "test.conf", err, sizeof err) < 0 ||
        roamd_start(dd, cfg, err, sizeof err) < 0) {
        tap_diag("daemon %s: %s", name, err);
        return -1;
    }
    return 0;
}

/* roam migrate --dry-run as the client library runs it, from this daemon
 * to a second one on 127.0.0.2 (the source asks that one's peer port). */
static struct roamd d2;
static volatile sig_atomic_t stop2;

static void *run_d2(void *arg)
{
    (void)arg;
    roamd_run(&d2, &stop2);
    return NULL;
}

static int client_dry_run(const abe_key_t *key, uint32_t bandwidth,
                          struct roam_migrate_result *res)
{
    char from[32], to[32], ca[512];
    snprintf(from, sizeof from, "127.0.0.1:%s", port);
    snprintf(to, sizeof to, "127.0.0.2:%d", roamd_client_port(&d2));
    path(ca, sizeof ca, "ca.pem");
    struct roam_client_id id = { .mpk = mpk, .key = key };
    struct roam_migrate_req req = { .vm = "vm1", .from = from, .to = to, .ca_file = ca,
                                    .timeout_ms = 5000, .dry_run = 1,
                                    .bandwidth_mibs = bandwidth };
    return roam_client_migrate(&req, &id, res);
}

static void test_client_dry_run(const abe_key_t *alice, const abe_key_t *nob4)
{
    static struct roamd_config cfg2;
    err[0] = '\0';
    if (!tap_eq(start_daemon(&d2, &cfg2, "127.0.0.2", "host2", "audit2.jsonl",
                             d.cfg.bridge), 0, "a second daemon on 127.0.0.2 (%s)", err))
        return;
    pthread_t t2;
    pthread_create(&t2, NULL, run_d2, NULL);
    d.cfg.peer_port = roamd_peer_port(&d2);
    static struct roam_migrate_result res;
    int rc = client_dry_run(alice, 100, &res);
    tap_ok(rc == 0 && res.ok, "roam migrate --dry-run to another daemon passes (%s)",
           rc == 0 ? "ok" : res.error);
    /* Sent behind the Response, Migrate cannot carry the authentications'
     * times: the source's audit shows none, the client's report has them. */
    tap_ok(audited("\"bandwidth_mibs\":100,", "\"auth\":0,") && res.timings.auth_us > 0,
           "the client's Migrate went out in the same flight as its Response");
    tap_eq(roamd_admission_count(d2.adm, roam_now_ms()), 0,
           "the destination recorded no admission");
    rc = client_dry_run(nob4, 0, &res);
    tap_ok(rc < 0 && res.failed_phase == ROAM__V1__PHASE__PHASE_SOURCE_AUTH,
           "unauthorized key: the dry run is refused at source authentication (%s)", res.error);
    rc = client_dry_run(alice, ROAM_BANDWIDTH_MAX_MIBS + 1u, &res);
    tap_ok(rc < 0 && res.failed_phase == ROAM__V1__PHASE__PHASE_PRE_PROCESSING &&
           strstr(res.error, "bandwidth"),
           "out-of-range bandwidth refused by the source daemon (%s)", res.error);
    d.cfg.peer_port = roamd_peer_port(&d);
    stop2 = 1;
    pthread_join(t2, NULL);
    roamd_stop(&d2);
}

/* A Migrate sent in the same flight as a Response that fails the source's
 * check causes nothing: the client gets the refusal, and the source neither
 * asks the destination for an admission nor starts a migration. */
static void test_pipelined_bad_proof(roam_tls_ctx *ctx)
{
    uint8_t q[16] = { 0x51, 0x1f };
    const char *qhex = "511f0000000000000000000000000000";
    roam_tls_conn *c = dial(ctx, port);
    if (!tap_ok(c != NULL, "connect for a pipelined Migrate (%s)", err))
        return;
    roam_stream s = roam_tls_stream(c);
    Roam__V1__Authenticate au = ROAM__V1__AUTHENTICATE__INIT;
    au.role = ROAM__V1__ROLE__ROLE_MIGRATE;
    au.vm = "vm1";
    au.src = "127.0.0.1";
    au.dst = "127.0.0.1";
    au.query_id.data = q;
    au.query_id.len = 16;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_AUTHENTICATE;
    env.authenticate = &au;
    int challenged = roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK &&
                     roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_CHALLENGE, &in, 5000, err,
                                     sizeof err) == ROAM_OK;
    roam_msg_free(in);
    in = NULL;
    uint8_t mac[ROAM_MAC_LEN] = { 0 };   /* not the MAC the challenge's key gives */
    Roam__V1__Response r = ROAM__V1__RESPONSE__INIT;
    r.mac.data = mac;
    r.mac.len = sizeof mac;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESPONSE;
    env.response = &r;
    Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
    roam_envelope menv = ROAM__V1__ENVELOPE__INIT;
    menv.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
    menv.migrate = &m;
    int sent = challenged && roam_msg_send(&s, &env, 2000, err, sizeof err) == ROAM_OK &&
               roam_msg_send(&s, &menv, 2000, err, sizeof err) == ROAM_OK;
    int refused = 0, more = 0;
    if (sent && roam_msg_recv(&s, &in, 5000, err, sizeof err) == ROAM_OK)
        refused = (in->body_case == ROAM__V1__ENVELOPE__BODY_RESULT && !in->result->ok) ||
                  in->body_case == ROAM__V1__ENVELOPE__BODY_ERROR;
    roam_msg_free(in);
    in = NULL;
    while (refused && roam_msg_recv(&s, &in, 3000, err, sizeof err) == ROAM_OK) {
        more++;
        roam_msg_free(in);
        in = NULL;
    }
    roam_tls_close(c, 500);
    tap_ok(sent && refused && !more,
           "Migrate behind a failing Response: refused, nothing after the refusal (%d more)",
           more);
    tap_ok(audited("\"outcome\":\"refused\"", qhex), "the failed proof is audited");
    settle();
    tap_eq(audited_count("\"event\":\"migrate\"", qhex) +
           audited_count("\"event\":\"admission\"", qhex), 0,
           "no admission asked, no migration started for it");
}

static int setup(const abe_key_t **alice_out, abe_key_t **nob4_out, abe_msk_t *msk,
                 const char *bridge)
{
    if (!mkdtemp(dir))
        return -1;
    char ca[512], crt[512], key[512], p[512];
    struct test_ca tca;
    path(ca, sizeof ca, "ca.pem");
    path(crt, sizeof crt, "host.pem");
    path(key, sizeof key, "host.key");
    char crt2[512], key2[512];
    path(crt2, sizeof crt2, "host2.pem");
    path(key2, sizeof key2, "host2.key");
    if (certs_make_ca(&tca, "roamd test CA", ca) < 0 ||
        certs_make_leaf(&tca, "127.0.0.1", "IP:127.0.0.1", crt, key) < 0 ||
        certs_make_leaf(&tca, "127.0.0.2", "IP:127.0.0.2", crt2, key2) < 0)
        return -1;
    certs_free_ca(&tca);
    mpk = calloc(1, sizeof *mpk);
    if (!mpk || abe_setup(mpk, msk) != ABE_OK)
        return -1;
    uint8_t *obj;
    size_t len;
    path(p, sizeof p, "mpk.pem");
    if (abe_encode_mpk(mpk, &obj, &len) != ABE_OK || abe_keyfile_save(p, obj, len, err, sizeof err) < 0)
        return -1;
    free(obj);
    char exp[40], today[11];
    roam_today(today);
    snprintf(exp, sizeof exp, "expiry = %d%s", atoi(today) + 1, today + 4);
    const char *alice[] = { "customer", "B4", exp };
    const char *nob4[] = { "customer", "S1", exp };
    *alice_out = make_key(msk, alice, 3);
    *nob4_out = make_key(msk, nob4, 3);
    char node[2048];
    snprintf(node, sizeof node, NODE_XML, bridge, bridge);
    write_file("node.xml", node);

    static struct roamd_config cfg;
    if (start_daemon(&d, &cfg, "127.0.0.1", "host", "audit.jsonl", bridge) < 0)
        return -1;
    d.cfg.peer_port = roamd_peer_port(&d);
    snprintf(port, sizeof port, "%d", roamd_client_port(&d));
    snprintf(pport, sizeof pport, "%d", roamd_peer_port(&d));
    return 0;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const abe_key_t *alice = NULL;
    abe_key_t *nob4 = NULL;
    abe_msk_t msk;
    /* Before any thread: the daemon's threads inherit the namespace. */
    int lab = holab_enter() == 0;
    if (!tap_eq(setup(&alice, &nob4, &msk, lab ? HOLAB_BRIDGE : "lo"), 0,
                "daemon starts on loopback (%s)", err))
        return tap_done();
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);
    roam_tls_ctx *ctx = client_ctx();
    char why[ROAM_MESSAGE_MAX];
    uint8_t q[16] = { 7, 7, 7 };

    tap_eq(auth(ctx, alice, ROAM__V1__ROLE__ROLE_ACCEPT, "vm1", "127.0.0.1:1", q, NULL, why,
                sizeof why), 0, "accept authentication (%s)", why);
    tap_ok(auth(ctx, nob4, ROAM__V1__ROLE__ROLE_MIGRATE, "vm1", "other", q, NULL, why,
                sizeof why) < 0 && strstr(why, "not authorized by the VM's migrate policy"),
           "key without B4/M1 refused by the migrate policy: %s", why);
    tap_ok(auth(ctx, alice, ROAM__V1__ROLE__ROLE_ACCEPT, "vm1", "someone-else", q, NULL, why,
                sizeof why) < 0 && strstr(why, "not the destination"),
           "dst naming another server refused: %s", why);
    tap_ok(auth(ctx, alice, ROAM__V1__ROLE__ROLE_MIGRATE, "novm", "other", q, NULL, why,
                sizeof why) < 0 && strstr(why, "no VM named novm"), "unknown VM: %s", why);
    tap_ok(auth(ctx, alice, ROAM__V1__ROLE__ROLE_MIGRATE, "nopolicy", "other", q, NULL, why,
                sizeof why) < 0 && strstr(why, "has no migrate policy") &&
           strstr(why, "roam policy nopolicy 'POLICY'"),
           "VM without a policy: the refusal says how to set one: %s", why);

    test_disclose(ctx, alice, &msk);

    /* Migrate role, then Migrate: the flow reaches pre-processing, gets
     * the admission from the peer side (itself), finds no RA on loopback
     * and reports it without touching the VM. */
    roam_tls_conn *c = NULL;
    int r = auth(ctx, alice, ROAM__V1__ROLE__ROLE_MIGRATE, "vm1", "127.0.0.1", q, &c, why,
                 sizeof why);
    tap_eq(r, 0, "migrate authentication (%s)", why);
    if (c) {
        roam_stream s = roam_tls_stream(c);
        Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
        roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
        env.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
        env.migrate = &m;
        migrate_sent_us = roam_mono_us();
        roam_msg_send(&s, &env, 2000, err, sizeof err);
        int progress = 0, done = 0;
        while (roam_msg_recv(&s, &in, 5000, err, sizeof err) == ROAM_OK) {
            if (in->body_case == ROAM__V1__ENVELOPE__BODY_PROGRESS)
                progress++;
            if (in->body_case == ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE) {
                done = !in->migrate_done->ok &&
                       in->migrate_done->error->phase == ROAM__V1__PHASE__PHASE_PRE_PROCESSING;
                tap_diag("MigrateDone: %s", in->migrate_done->error
                                                ? in->migrate_done->error->message : "ok");
            }
            roam_msg_free(in);
            in = NULL;
        }
        tap_ok(progress >= 1 && done, "source flow: progress, then a pre-processing failure "
               "(no RA on loopback), not a hang or crash");
        roam_tls_close(c, 500);
    }

    test_pipelined_bad_proof(ctx);
    test_dry_run(ctx, alice, nob4);
    test_client_dry_run(alice, nob4);
    test_locate(ctx, alice);

    /* Garbage on the client port. */
    int fd = roam_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    static const char junk[] = "\x16\x03\x01\xff\xffGET / HTTP/1.0\r\n\r\n";
    ssize_t w = send(fd, junk, sizeof junk, MSG_NOSIGNAL);
    char b[64];
    int64_t t0 = roam_now_ms();
    ssize_t got = roam_wait_fd(fd, 0, roam_deadline(3000)) > 0 ? recv(fd, b, sizeof b, 0) : -2;
    close(fd);
    tap_ok(w > 0 && got >= 0 && roam_now_ms() - t0 < 3000, "garbage: connection closed");
    tap_ok(alive(ctx, alice), "daemon alive after garbage");

    /* A stall: the daemon gives up after io_timeout_ms, serving others. */
    fd = roam_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    t0 = roam_now_ms();
    tap_ok(alive(ctx, alice), "served while another connection stalls");
    got = roam_wait_fd(fd, 0, roam_deadline(5000)) > 0 ? recv(fd, b, sizeof b, 0) : -2;
    int64_t waited = roam_now_ms() - t0;
    close(fd);
    tap_ok(got >= 0 && waited < 3000, "stalled client dropped after the I/O timeout (%lld ms)",
           (long long)waited);

    /* A peer without a certificate: TLS 1.3 lets the client finish its
     * side, but the daemon refuses, so nothing can be asked. */
    roam_tls_conn *pc = dial(ctx, pport);
    int answered = 0;
    if (pc) {
        roam_stream s = roam_tls_stream(pc);
        roam_envelope *in = NULL;
        if (send_admission_query(&s, q) == ROAM_OK &&
            roam_msg_recv(&s, &in, 2000, err, sizeof err) == ROAM_OK)
            answered = 1;
        roam_msg_free(in);
        roam_tls_close(pc, 500);
    }
    tap_ok(!answered, "peer port without a client certificate: no answer (%s)", err);

    /* A certified peer speaking out of order, then an unknown admission. */
    char ca[512], crt[512], key[512];
    path(ca, sizeof ca, "ca.pem");
    path(crt, sizeof crt, "host.pem");
    path(key, sizeof key, "host.key");
    roam_tls_ctx *peer = roam_tls_client_ctx(ca, crt, key, err, sizeof err);
    pc = dial(peer, pport);
    if (tap_ok(pc != NULL, "certified peer connects (%s)", err)) {
        roam_stream s = roam_tls_stream(pc);
        Roam__V1__RaFetch f = ROAM__V1__RA_FETCH__INIT;
        f.vm = "vm1";
        f.query_id.data = q;
        f.query_id.len = 16;
        roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
        env.body_case = ROAM__V1__ENVELOPE__BODY_RA_FETCH;
        env.ra_fetch = &f;
        roam_msg_send(&s, &env, 2000, err, sizeof err);
        roam_status st = roam_msg_recv(&s, &in, 3000, err, sizeof err);
        tap_ok(st == ROAM_OK && in->body_case == ROAM__V1__ENVELOPE__BODY_ERROR &&
               in->error->phase == ROAM__V1__PHASE__PHASE_PROTOCOL,
               "RaFetch before AdmissionQuery: protocol error");
        roam_msg_free(in);
        roam_tls_close(pc, 500);
    }
    pc = dial(peer, pport);
    if (pc) {
        roam_stream s = roam_tls_stream(pc);
        uint8_t unknown[16] = { 0xee };
        roam_envelope *in = NULL;
        send_admission_query(&s, unknown);
        roam_status st = roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER, &in,
                                         3000, err, sizeof err);
        tap_ok(st == ROAM_OK && !in->admission_answer->granted, "unknown admission refused (%s)",
               st == ROAM_OK ? in->admission_answer->error->message : err);
        roam_msg_free(in);
        roam_tls_close(pc, 500);
    }

    /* The source flow against a destination daemon that stalls, sends
     * garbage, or lies about its RA: a clean, phase-named failure each. */
    fake_listen = roam_tcp_listen("127.0.0.1", "0", 4, err, sizeof err);
    fake_ctx = roam_tls_server_ctx(crt, key, ca, err, sizeof err);
    d.cfg.peer_port = roam_sock_port(fake_listen);
    int ph = migrate_against_fake(ctx, alice, FAKE_STALL, why, sizeof why);
    tap_ok(ph == ROAM__V1__PHASE__PHASE_ADMISSION && strstr(why, "timed out"),
           "stalling destination: admission fails after the I/O timeout (%s)", why);
    ph = migrate_against_fake(ctx, alice, FAKE_GARBAGE, why, sizeof why);
    tap_eq(ph, ROAM__V1__PHASE__PHASE_ADMISSION, "garbage from the destination: admission "
           "fails (%s)", why);
    ph = migrate_against_fake(ctx, alice, FAKE_BAD_RA, why, sizeof why);
    tap_ok(ph == ROAM__V1__PHASE__PHASE_PRE_PROCESSING && strstr(why, "Router Advertisement"),
           "lying destination (not an RA): pre-processing fails (%s)", why);
    /* The round trips the conversation needs no longer follow each other:
     * the link opens while the client authenticates, the RA fetch follows
     * the admission query without waiting for its answer. */
    fake_accepted_us = 0;
    ph = migrate_against_fake(ctx, alice, FAKE_PIPELINE, why, sizeof why);
    tap_ok(fake_accepted_us > 0 && fake_accepted_us < migrate_sent_us,
           "the source connects to the destination before the client's Migrate (%lld us before)",
           (long long)(migrate_sent_us - fake_accepted_us));
    tap_ok(fake_second == ROAM__V1__ENVELOPE__BODY_RA_FETCH ||
           fake_second == ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS,
           "the source sends its next request behind the AdmissionQuery, unanswered (body %d)",
           fake_second);
    tap_ok(ph == ROAM__V1__PHASE__PHASE_ADMISSION || ph == ROAM__V1__PHASE__PHASE_PRE_PROCESSING,
           "a destination that closes unanswered: a clean failure (%s)", why);
    /* The admission query does not wait for the user's Migrate. */
    fake_query_us = 0;
    migrate_delay_ms = 300;
    ph = migrate_against_fake(ctx, alice, FAKE_PIPELINE, why, sizeof why);
    migrate_delay_ms = 0;
    tap_ok(fake_query_us > 0 && fake_query_us < migrate_sent_us,
           "the source asks for the admission before the client's Migrate came "
           "(%lld us before)", (long long)(migrate_sent_us - fake_query_us));
    tap_ok(alive(ctx, alice), "daemon alive after the misbehaving destinations");
    d.cfg.peer_port = roamd_peer_port(&d);
    close(fake_listen);
    roam_tls_ctx_free(fake_ctx);

    test_exhaustion(ctx, alice, peer);

    if (lab)
        test_handover(ctx, alice, peer);
    else
        tap_skip("destination handover: needs root and a network namespace");

    /* Session limit: six stalled connections fill it; the seventh is
     * closed at once, before TLS.  The stalled ones must not time out
     * meanwhile (a loaded machine may take longer than the test's 700 ms
     * I/O timeout to get here), and a served seventh would wait as long for
     * its TLS hello: with a long timeout, closed within 3 s means refused. */
    int io_timeout = d.cfg.io_timeout_ms;
    d.cfg.io_timeout_ms = 20000;
    /* A session ends on its own thread after its client has gone: let the
     * earlier ones finish, so that the six below fill the limit exactly. */
    settle();
    renet();
    int hold[6];
    for (int i = 0; i < 6; i++)
        hold[i] = roam_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    usleep(100000);
    fd = roam_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    got = roam_wait_fd(fd, 0, roam_deadline(3000)) > 0 ? recv(fd, b, sizeof b, 0) : -2;
    tap_ok(got == 0 || (got < 0 && errno == ECONNRESET), "over max_sessions: closed at once");
    close(fd);
    for (int i = 0; i < 6; i++)
        close(hold[i]);
    d.cfg.io_timeout_ms = io_timeout;
    renet();
    usleep(900000);
    tap_ok(alive(ctx, alice), "served again once the stalled sessions timed out");

    /* Fail closed: a grant that cannot be audited is refused. */
    dial_src = "127.0.0.12";   /* a rate bucket of its own */
    roamd_audit *audit = d.audit;
    d.audit = roamd_audit_open("/dev/full", err, sizeof err);
    q[0] = 9;
    tap_ok(d.audit && auth(ctx, alice, ROAM__V1__ROLE__ROLE_ACCEPT, "vm1", "127.0.0.1:1", q, NULL,
                           why, sizeof why) < 0 && strstr(why, "audit log"),
           "audit log unwritable: accept authentication refused (%s)", why);
    roamd_audit_close(d.audit);
    d.audit = audit;
    tap_ok(alive(ctx, alice), "granted again once the audit log is writable");
    dial_src = NULL;

    stop_flag = 1;
    pthread_join(t, NULL);
    roamd_stop(&d);
    roam_tls_ctx_free(ctx);
    roam_tls_ctx_free(peer);
    abe_key_t *own_alice = (abe_key_t *)alice;
    abe_key_clear(own_alice);
    free(own_alice);
    abe_key_clear(nob4);
    free(nob4);
    abe_msk_clear(&msk);
    free(mpk);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
