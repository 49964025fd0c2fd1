/* roam-ims's side of host attestations (src/mobility/ims_attest.h): the
 * attestors file (keys in base64 or PEM files, comments, every bad line
 * reported at its line, limits), and the check of a registration's
 * attestations as the IMS decodes them from a datagram: proven by the key
 * of the host whose prefix holds the address, signed within 60 s; refused
 * from an unknown key, a host of another prefix, too old or too new, with
 * a bad signature, or moved from another registration; the limits of the
 * Register's new field. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "diag.h"
#include "ed25519.h"
#include "errbuf.h"
#include "handover_reg.h"
#include "ims_attest.h"
#include "ims_dgram.h"
#include "ims_sign.h"
#include "moa_attest.h"
#include "tap.h"

static char dir[] = "/tmp/roam-attest-XXXXXX";
static char path[128], apub[128];
static uint8_t HOA[16], MOA_B[16], MOA_A[16];

static void put(const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static int n_problems;
static char first_problem[512];

static void collect(void *arg, const char *line)
{
    (void)arg;
    if (n_problems++ == 0)
        snprintf(first_problem, sizeof first_problem, "%s", line);
}

/* Load text as the attestors file: 0 or -1, problems counted. */
static int load(const char *text, ims_attestors *t)
{
    put(text);
    n_problems = 0;
    first_problem[0] = '\0';
    roam_diag d = { collect, NULL, NULL, 0, 0 };
    return ims_attestors_load(t, path, &d);
}

static int says(int line, const char *want)
{
    char head[192];
    snprintf(head, sizeof head, "%s:%d: ", path, line);
    return strncmp(first_problem, head, strlen(head)) == 0 && strstr(first_problem, want);
}

static void b64(const uint8_t pub[32], char out[45])
{
    EVP_EncodeBlock((unsigned char *)out, pub, 32);
}

static void test_file(const char *kb)
{
    ims_attestors t;
    char text[1024];
    snprintf(text, sizeof text, "# hosts\n\n2001:db8:b::/64 %s\n  2001:db8:a::/64\t%s\n"
             "2001:db8:f::/48 %s   \n", kb, apub, kb);
    tap_ok(load(text, &t) == 0 && t.n == 3 && t.a[0].line == 3 && t.a[1].line == 4 &&
               t.a[2].plen == 48 && memcmp(t.a[0].key_id, t.a[2].key_id, 8) == 0 &&
               memcmp(t.a[0].key_id, t.a[1].key_id, 8) != 0,
           "a key in base64 or a PEM file, comments and blank lines (%s)", first_problem);
    ims_attestors_free(&t);
    static const struct {
        const char *text;
        int line;
        const char *want;
    } bad[] = {
        { "2001:db8:b::/64\n", 1, "not PREFIX/LEN PUBKEY" },
        { "\n2001:db8:b::/64 KEY extra\n", 2, "not PREFIX/LEN PUBKEY" },
        { "2001:db8:b:: KEY\n", 1, "not an IPv6 prefix" },
        { "2001:db8::/31 KEY\n", 1, "not an IPv6 prefix /32../128" },
        { "2001:db8:b::1/64 KEY\n", 1, "without host bits" },
        { "fe80::/64 KEY\n", 1, "not an IPv6 prefix" },
        { "2001:db8:b::/129 KEY\n", 1, "not an IPv6 prefix" },
        { "#\n2001:db8:b::/64 /nonexistent.pem\n", 2, "cannot open /nonexistent.pem" },
        { "2001:db8:b::/64 AAAA\n", 1, "cannot open AAAA" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char b[256];
        const char *k = strstr(bad[i].text, "KEY");
        if (k)
            snprintf(b, sizeof b, "%.*s%s%s", (int)(k - bad[i].text), bad[i].text, kb, k + 3);
        else
            snprintf(b, sizeof b, "%s", bad[i].text);
        tap_ok(load(b, &t) < 0 && n_problems == 1 && says(bad[i].line, bad[i].want) && t.n == 0,
               "refused at line %d: %s", bad[i].line, first_problem);
        ims_attestors_free(&t);
    }
    snprintf(text, sizeof text, "2001:db8:b::/64 nokey\n2001:db8:a::/64 %s\n2001:db8:c::/200 %s\n",
             apub, kb);
    tap_ok(load(text, &t) < 0 && n_problems == 2, "every bad line is reported (%d)", n_problems);
    ims_attestors_free(&t);
    char *big = malloc(IMS_ATTEST_LINE_MAX + 64);
    memset(big, '#', IMS_ATTEST_LINE_MAX + 10);
    strcpy(big + IMS_ATTEST_LINE_MAX + 10, "\n");
    tap_ok(load(big, &t) < 0 && says(1, "longer than"), "a line over %d bytes is refused (%s)",
           IMS_ATTEST_LINE_MAX, first_problem);
    ims_attestors_free(&t);
    free(big);
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i <= IMS_ATTESTORS_MAX; i++)
        fprintf(f, "2001:db8:%x::/64 %s\n", i + 1, kb);
    if (f)
        fclose(f);
    n_problems = 0;
    roam_diag d = { collect, NULL, NULL, 0, 0 };
    tap_ok(ims_attestors_load(&t, path, &d) < 0 && says(IMS_ATTESTORS_MAX + 1, "more than"),
           "more than %d lines are refused (%s)", IMS_ATTESTORS_MAX, first_problem);
    ims_attestors_free(&t);
    unlink(path);
    n_problems = 0;
    tap_ok(ims_attestors_load(&t, path, &d) < 0 && n_problems == 1 &&
               strstr(first_problem, "cannot read"),
           "a missing file is refused (%s)", first_problem);
    ims_attestors_free(&t);
}

/* The registration datagram (HOA, seq, active moa) with attestations
 * att[0..n), decoded as the IMS decodes it; NULL if refused.  One is
 * appended as roamd appends it; more are packed with protobuf-c
 * (roamd adds one only). */
static ims_message *registration(EVP_PKEY *mn, uint64_t seq, const uint8_t moa[16],
                                 const roam_moa_attest *att, size_t n, char *err, size_t errlen)
{
    ims_binding b = { .state = IMS_ACTIVE };
    memcpy(b.moa, moa, 16);
    uint8_t d[IMS_DGRAM_MAX], out[2 * IMS_DGRAM_MAX];
    size_t len = ims_dgram_register(mn, HOA, seq, &b, 1, d, err, errlen);
    ims_message *m = NULL;
    if (!len || ims_dgram_decode(d, len, &m, err, errlen) < 0)
        return NULL;
    if (n == 1) {
        uint8_t f[ROAM_ATTEST_FIELD_MAX];
        size_t fl = roam_moa_attest_field(&att[0], f, sizeof f);
        len = fl ? roam_handover_reg_append(d, len, f, fl, out, sizeof out, err, errlen) : 0;
    } else if (n > 1) {
        Roam__Ims__V1__MoaAttestation pa[16], *pp[16];
        for (size_t i = 0; i < n && i < 16; i++) {
            roam__ims__v1__moa_attestation__init(&pa[i]);
            pa[i].moa = (ProtobufCBinaryData){ 16, (uint8_t *)att[i].moa };
            pa[i].time = att[i].time;
            pa[i].key_id = (ProtobufCBinaryData){ 8, (uint8_t *)att[i].key_id };
            pa[i].signature = (ProtobufCBinaryData){ 64, (uint8_t *)att[i].sig };
            pp[i] = &pa[i];
        }
        m->register_->n_moa_attestations = n;
        m->register_->moa_attestations = pp;
        len = roam__ims__v1__message__get_packed_size(m) <= sizeof out
                  ? roam__ims__v1__message__pack(m, out) : 0;
        m->register_->n_moa_attestations = 0;
        m->register_->moa_attestations = NULL;
    }
    ims_msg_free(m);
    m = NULL;
    if (n && (!len || ims_dgram_decode(out, len, &m, err, errlen) < 0))
        return NULL;
    if (!n && ims_dgram_decode(d, len, &m, err, errlen) < 0)
        return NULL;
    return m;
}

struct host {
    EVP_PKEY *key;
    uint8_t id[8];
};

static roam_moa_attest attest(const struct host *h, uint64_t seq, const uint8_t moa[16],
                              int64_t t)
{
    roam_moa_attest a;
    char err[ROAM_ERR_MAX];
    if (roam_moa_attest_sign(h->key, h->id, HOA, seq, moa, (uint64_t)t, &a, err, sizeof err) < 0)
        memset(&a, 0, sizeof a);
    return a;
}

/* The check's answer for the registration (seq, moa) carrying att. */
static int check(const ims_attestors *t, EVP_PKEY *mn, uint64_t seq, const uint8_t moa[16],
                 const roam_moa_attest *att, size_t n, int64_t now, const char **why)
{
    char err[ROAM_ERR_MAX];
    ims_message *m = registration(mn, seq, moa, att, n, err, sizeof err);
    *why = "does not decode";
    int r = m ? ims_attest_check(t, m->register_, moa, now, why) : -2;
    ims_msg_free(m);
    return r;
}

static void test_check(const ims_attestors *t, EVP_PKEY *mn, const struct host *hb,
                       const struct host *ha, const struct host *stranger)
{
    const char *why;
    int64_t now = (int64_t)time(NULL);
    roam_moa_attest a = attest(hb, 7, MOA_B, now);
    tap_eq(check(t, mn, 7, MOA_B, &a, 1, now, &why), 1,
           "the host of the address's prefix attests it");
    tap_ok(check(t, mn, 7, MOA_B, NULL, 0, now, &why) == 0 && why == NULL,
           "no attestation: not proven, no reason");
    a = attest(ha, 7, MOA_B, now);
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why && strstr(why, "prefixes"),
           "a host of another prefix: refused (%s)", why);
    a = attest(stranger, 7, MOA_B, now);
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why && strstr(why, "unknown"),
           "an unknown key: refused (%s)", why);
    a = attest(hb, 7, MOA_B, now - 61);
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why && strstr(why, "stale"),
           "signed 61 s ago: refused (%s)", why);
    a = attest(hb, 7, MOA_B, now + 61);
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why && strstr(why, "stale"),
           "signed 61 s ahead: refused (%s)", why);
    a = attest(hb, 7, MOA_B, now - 60);
    tap_eq(check(t, mn, 7, MOA_B, &a, 1, now, &why), 1, "signed 60 s ago: proven");
    a = attest(hb, 7, MOA_B, now);
    a.sig[10] ^= 4;
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why && strstr(why, "signature"),
           "a flipped bit of the signature: refused (%s)", why);
    a = attest(hb, 8, MOA_B, now);
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why && strstr(why, "signature"),
           "an attestation of seq 8 moved to seq 7: refused (%s)", why);
    uint8_t moa2[16];
    memcpy(moa2, MOA_B, 16);
    moa2[15] ^= 1;
    a = attest(hb, 7, MOA_B, now);
    memcpy(a.moa, moa2, 16);
    tap_ok(check(t, mn, 7, moa2, &a, 1, now, &why) == 0 && why && strstr(why, "signature"),
           "its mobile address changed (same prefix): refused (%s)", why);
    roam_moa_attest two[2] = { attest(stranger, 7, MOA_B, now), attest(hb, 7, MOA_B, now) };
    tap_eq(check(t, mn, 7, MOA_B, two, 2, now, &why), 1, "a good one among bad ones proves it");
    a = attest(hb, 7, MOA_A, now);
    tap_ok(check(t, mn, 7, MOA_B, &a, 1, now, &why) == 0 && why == NULL,
           "an attestation of another address says nothing of this one");
    roam_moa_attest nine[9];
    for (int i = 0; i < 9; i++)
        nine[i] = attest(hb, 7, MOA_B, now);
    tap_eq(check(t, mn, 7, MOA_B, nine, 8, now, &why), 1, "8 attestations decode");
    tap_eq(check(t, mn, 7, MOA_B, nine, 9, now, &why), -2,
           "9 attestations: the message is refused");
}

int main(void)
{
    char err[ROAM_ERR_MAX], priv[128], ppub[128], mnk[128], mnp[128];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    inet_pton(AF_INET6, "2001:db8:e::10", HOA);
    inet_pton(AF_INET6, "2001:db8:b::5054:ff:fe52:b02", MOA_B);
    inet_pton(AF_INET6, "2001:db8:a::5054:ff:fe52:b02", MOA_A);
    snprintf(path, sizeof path, "%s/attestors", dir);
    snprintf(priv, sizeof priv, "%s/a.key", dir);
    snprintf(apub, sizeof apub, "%s/a.pub", dir);
    snprintf(mnk, sizeof mnk, "%s/mn.key", dir);
    snprintf(mnp, sizeof mnp, "%s/mn.pub", dir);
    snprintf(ppub, sizeof ppub, "%s/b.pub", dir);
    struct host hb = { 0 }, ha = { 0 }, stranger = { 0 };
    hb.key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    stranger.key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    int ok = hb.key && stranger.key && ims_key_generate(priv, apub, err, sizeof err) == 0 &&
             ims_key_generate(mnk, mnp, err, sizeof err) == 0 &&
             (ha.key = ims_key_load_private(priv, err, sizeof err)) != NULL;
    EVP_PKEY *mn = ok ? ims_key_load_private(mnk, err, sizeof err) : NULL;
    uint8_t pub[32];
    char kb[45];
    ok = ok && mn && roam_ed25519_raw_public(hb.key, pub) == 0 &&
         roam_attest_key_id(pub, hb.id) == 0 && roam_ed25519_raw_public(ha.key, pub) == 0 &&
         roam_attest_key_id(pub, ha.id) == 0 && roam_ed25519_raw_public(stranger.key, pub) == 0 &&
         roam_attest_key_id(pub, stranger.id) == 0 && roam_ed25519_raw_public(hb.key, pub) == 0;
    tap_ok(ok, "keys (%s)", ok ? "ok" : err);
    if (ok) {
        b64(pub, kb);
        test_file(kb);
        ims_attestors t;
        char text[512];
        snprintf(text, sizeof text, "2001:db8:b::/64 %s\n2001:db8:a::/64 %s\n", kb, apub);
        tap_ok(load(text, &t) == 0 && t.n == 2, "attestors of A's and B's prefixes");
        test_check(&t, mn, &hb, &ha, &stranger);
        ims_attestors_free(&t);
    }
    EVP_PKEY_free(mn);
    EVP_PKEY_free(hb.key);
    EVP_PKEY_free(ha.key);
    EVP_PKEY_free(stranger.key);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return tap_done();
}
