/* The sealed inner challenge (src/proto/seal.h): a round trip for both
 * kinds; a notice and a small policy's challenge seal to the same length;
 * the buckets; any flipped byte, another nonce or another outer key does
 * not open; bad inner parts are not sealed; the response key needs both
 * KEM keys; and a transcript with a sealed part differs from one without. */
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "seal.h"
#include "tap.h"
#include "transcript.h"

static char err[ROAM_ERR_MAX];

static int opens(const uint8_t *key, const uint8_t *nonce, const uint8_t *s, size_t len)
{
    struct roam_inner in;
    int r = roam_unseal(key, nonce, s, len, &in, err, sizeof err) == 0;
    roam_inner_free(&in);
    return r;
}

int main(void)
{
    uint8_t key[32], key2[32], nonce[ROAM_NONCE_LEN], nonce2[ROAM_NONCE_LEN], ct[1500];
    memset(key, 0x11, sizeof key);
    memset(key2, 0x22, sizeof key2);
    memset(nonce, 0x33, sizeof nonce);
    memset(nonce2, 0x34, sizeof nonce2);
    for (size_t i = 0; i < sizeof ct; i++)
        ct[i] = (uint8_t)(i * 7 + 1);

    struct roam_inner ch = { .kind = ROAM_INNER_CHALLENGE, .ct = ct, .ct_len = sizeof ct,
                             .text = "(B4 or M1) and expiry >= 2026-12-05" };
    struct roam_inner no = { .kind = ROAM_INNER_NOTICE, .text = "no VM named x on this server" };
    uint8_t *s1 = NULL, *s2 = NULL;
    size_t l1 = 0, l2 = 0;
    tap_eq(roam_seal(key, nonce, &ch, &s1, &l1, err, sizeof err), 0, "a challenge seals (%s)", err);
    tap_eq(roam_seal(key, nonce, &no, &s2, &l2, err, sizeof err), 0, "a notice seals (%s)", err);
    tap_ok(l1 == l2 && l1 == ROAM_SEAL_BUCKET_MIN + ROAM_SEAL_TAG_LEN,
           "both the same length: the smallest bucket and the tag (%zu, %zu)", l1, l2);

    struct roam_inner in;
    int ok = s1 && roam_unseal(key, nonce, s1, l1, &in, err, sizeof err) == 0;
    tap_ok(ok && in.kind == ROAM_INNER_CHALLENGE && in.ct_len == sizeof ct &&
           memcmp(in.ct, ct, sizeof ct) == 0 && strcmp(in.text, ch.text) == 0,
           "the challenge opens to what was sealed (%s)", ok ? "" : err);
    if (ok)
        roam_inner_free(&in);
    ok = s2 && roam_unseal(key, nonce, s2, l2, &in, err, sizeof err) == 0;
    tap_ok(ok && in.kind == ROAM_INNER_NOTICE && in.ct_len == 0 && strcmp(in.text, no.text) == 0,
           "the notice opens to what was sealed (%s)", ok ? "" : err);
    if (ok)
        roam_inner_free(&in);

    int any = 0;
    for (size_t i = 0; s1 && i < l1; i += 509) {
        s1[i] ^= 0x80;
        any |= opens(key, nonce, s1, l1);
        s1[i] ^= 0x80;
    }
    s1[l1 - 1] ^= 1;
    any |= opens(key, nonce, s1, l1);
    s1[l1 - 1] ^= 1;
    tap_ok(!any, "no flipped byte (payload or tag) opens");
    tap_ok(!opens(key2, nonce, s1, l1), "another outer key does not open it");
    tap_ok(!opens(key, nonce2, s1, l1), "another challenge's nonce does not open it");
    tap_ok(!opens(key, nonce, s1, l1 - 1) && !opens(key, nonce, s1, ROAM_SEAL_TAG_LEN),
           "a cut one does not open");
    tap_ok(opens(key, nonce, s1, l1), "the original still opens");

    tap_eq(roam_seal_bucket(1), (size_t)ROAM_SEAL_BUCKET_MIN, "bucket of 1 byte");
    tap_eq(roam_seal_bucket(ROAM_SEAL_BUCKET_MIN + 1), (size_t)2 * ROAM_SEAL_BUCKET_MIN,
           "one byte over the smallest: the next power of two");
    tap_eq(roam_seal_bucket(ROAM_SEAL_BUCKET_MAX), (size_t)ROAM_SEAL_BUCKET_MAX, "the largest");
    tap_eq(roam_seal_bucket(ROAM_SEAL_BUCKET_MAX + 1), (size_t)0, "beyond the largest: none");

    /* The largest inner challenge fits the largest bucket. */
    uint8_t *big = calloc(1, ROAM_CIPHERTEXT_MAX);
    char *text = malloc(ROAM_POLICY_MAX + 1);
    memset(text, 'a', ROAM_POLICY_MAX);
    text[ROAM_POLICY_MAX] = '\0';
    struct roam_inner bg = { .kind = ROAM_INNER_CHALLENGE, .ct = big,
                             .ct_len = ROAM_CIPHERTEXT_MAX, .text = text };
    uint8_t *s3 = NULL;
    size_t l3 = 0;
    tap_ok(big && roam_seal(key, nonce, &bg, &s3, &l3, err, sizeof err) == 0 &&
           l3 <= ROAM_SEALED_MAX && opens(key, nonce, s3, l3),
           "the largest ciphertext and policy seal and open (%zu bytes)", l3);
    free(s3);

    /* What cannot be sealed. */
    uint8_t *s4 = NULL;
    size_t l4 = 0;
    struct roam_inner bad = ch;
    bad.ct_len = 0;
    tap_ok(roam_seal(key, nonce, &bad, &s4, &l4, err, sizeof err) < 0 && !s4,
           "a challenge without a ciphertext: %s", err);
    bad = no;
    bad.ct = ct;
    bad.ct_len = 1;
    tap_ok(roam_seal(key, nonce, &bad, &s4, &l4, err, sizeof err) < 0,
           "a notice with a ciphertext: %s", err);
    bad = no;
    bad.text = "";
    tap_ok(roam_seal(key, nonce, &bad, &s4, &l4, err, sizeof err) < 0, "an empty notice: %s",
           err);
    bad = ch;
    bad.text = text;
    bad.ct_len = ROAM_CIPHERTEXT_MAX + 1;
    tap_ok(roam_seal(key, nonce, &bad, &s4, &l4, err, sizeof err) < 0, "an oversized one: %s",
           err);
    bad = no;
    bad.kind = (enum roam_inner_kind)3;
    tap_ok(roam_seal(key, nonce, &bad, &s4, &l4, err, sizeof err) < 0, "an unknown kind: %s",
           err);
    free(big);
    free(text);

    /* The response key: both KEM keys, in order. */
    uint8_t r1[32], r2[32], r3[32];
    tap_ok(roam_response_key(key, key2, r1, err, sizeof err) == 0 &&
           roam_response_key(key2, key, r2, err, sizeof err) == 0 &&
           roam_response_key(key, key, r3, err, sizeof err) == 0 &&
           memcmp(r1, r2, 32) != 0 && memcmp(r1, r3, 32) != 0 && memcmp(r1, key, 32) != 0 &&
           memcmp(r1, key2, 32) != 0,
           "the response key depends on both keys and their order, and is neither");

    /* A sealed part is bound by the transcript. */
    struct roam_transcript t = { .role = ROAM_ROLE_MIGRATE, .vm = "v", .src = "a", .dst = "b" };
    uint8_t m1[ROAM_MAC_LEN], m2[ROAM_MAC_LEN], m3[ROAM_MAC_LEN], enc[ROAM_TRANSCRIPT_MAX];
    size_t n1 = 0, n2 = 0;
    roam_transcript_encode(&t, enc, sizeof enc, &n1, err, sizeof err);
    roam_transcript_mac(r1, 32, &t, m1, err, sizeof err);
    t.sealed = 1;
    roam_sha256(s1, l1, t.sealed_hash, err, sizeof err);
    roam_transcript_encode(&t, enc, sizeof enc, &n2, err, sizeof err);
    roam_transcript_mac(r1, 32, &t, m2, err, sizeof err);
    t.sealed_hash[0] ^= 1;
    roam_transcript_mac(r1, 32, &t, m3, err, sizeof err);
    tap_ok(n2 == n1 + 4 + ROAM_SHA256_LEN && memcmp(m1, m2, sizeof m1) != 0 &&
           memcmp(m2, m3, sizeof m2) != 0,
           "the sealed part's hash is the last field: another sealed part, another MAC");
    free(s1);
    free(s2);
    return tap_done();
}
