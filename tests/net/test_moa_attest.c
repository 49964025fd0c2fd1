/* A host's attestation of a mobile address (src/net/moa_attest.h): sign and
 * verify round trip; any flipped byte of the signature, mobile address,
 * home address, sequence number, time or key id breaks it; the key id is
 * the key's; the encoded field appended to a registration's Register keeps
 * the rest of the datagram as it was and the registration's shape. */
#include <arpa/inet.h>
#include <string.h>

#include <openssl/evp.h>

#include "ed25519.h"
#include "errbuf.h"
#include "handover_reg.h"
#include "moa_attest.h"
#include "reg_sample.h"
#include "tap.h"

static uint8_t HOA[16], MOA[16];

static EVP_PKEY *keygen(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

static void test_round_trip(EVP_PKEY *key, EVP_PKEY *other)
{
    char err[ROAM_ERR_MAX];
    uint8_t pub[32], opub[32], id[8], oid[8];
    tap_ok(roam_ed25519_raw_public(key, pub) == 0 && roam_ed25519_raw_public(other, opub) == 0 &&
               roam_attest_key_id(pub, id) == 0 && roam_attest_key_id(opub, oid) == 0 &&
               memcmp(id, oid, 8) != 0,
           "two keys, two key ids");
    roam_moa_attest a;
    tap_ok(roam_moa_attest_sign(key, id, HOA, 42, MOA, 1765000000, &a, err, sizeof err) == 0,
           "attestation signed (%s)", err);
    tap_ok(memcmp(a.moa, MOA, 16) == 0 && a.time == 1765000000 && memcmp(a.key_id, id, 8) == 0,
           "it names the mobile address, the time and the key id");
    tap_eq(roam_moa_attest_verify(pub, HOA, 42, &a, err, sizeof err), 1, "it verifies");
    tap_eq(roam_moa_attest_verify(opub, HOA, 42, &a, err, sizeof err), 0,
           "not under another host's key");
    tap_eq(roam_moa_attest_verify(pub, HOA, 43, &a, err, sizeof err), 0,
           "not for another sequence number");
    uint8_t hoa2[16];
    memcpy(hoa2, HOA, 16);
    hoa2[15] ^= 1;
    tap_eq(roam_moa_attest_verify(pub, hoa2, 42, &a, err, sizeof err), 0,
           "not for another home address");
    int bad = 0;
    for (size_t i = 0; i < sizeof a.sig * 8; i++) {
        roam_moa_attest b = a;
        b.sig[i / 8] ^= (uint8_t)(1 << (i % 8));
        bad += roam_moa_attest_verify(pub, HOA, 42, &b, err, sizeof err) == 0;
    }
    tap_eq(bad, (int)sizeof a.sig * 8, "every flipped bit of the signature is refused");
    bad = 0;
    for (size_t i = 0; i < 16; i++) {
        roam_moa_attest b = a;
        b.moa[i] ^= 0x10;
        bad += roam_moa_attest_verify(pub, HOA, 42, &b, err, sizeof err) == 0;
    }
    tap_eq(bad, 16, "a flipped byte of the mobile address is refused, at every position");
    roam_moa_attest b = a;
    b.time++;
    tap_eq(roam_moa_attest_verify(pub, HOA, 42, &b, err, sizeof err), 0, "another time is refused");
    b = a;
    b.key_id[0] ^= 1;
    tap_eq(roam_moa_attest_verify(pub, HOA, 42, &b, err, sizeof err), 0,
           "another key id is refused");
}

/* The field: what protobuf says a Register.moa_attestations field is. */
static void test_field(EVP_PKEY *key)
{
    char err[ROAM_ERR_MAX];
    uint8_t pub[32], id[8], f[ROAM_ATTEST_FIELD_MAX];
    roam_ed25519_raw_public(key, pub);
    roam_attest_key_id(pub, id);
    roam_moa_attest a;
    roam_moa_attest_sign(key, id, HOA, 42, MOA, 1765000000, &a, err, sizeof err);
    size_t n = roam_moa_attest_field(&a, f, sizeof f);
    /* 0x32 len | 0a 10 moa | 10 varint(time) | 1a 08 id | 22 40 sig */
    tap_ok(n > 2 && f[0] == (ROAM_ATTEST_FIELD << 3 | 2) && f[1] == n - 2 && f[2] == 0x0a &&
               f[3] == 16 && memcmp(f + 4, MOA, 16) == 0 && f[20] == 0x10,
           "field 6, length-delimited: moa first (%zu bytes)", n);
    tap_ok(memcmp(f + n - 64, a.sig, 64) == 0 && f[n - 66] == 0x22 && f[n - 65] == 64 &&
               memcmp(f + n - 74, id, 8) == 0,
           "... the key id and the signature last");
    a.time = UINT64_MAX;
    tap_ok(roam_moa_attest_field(&a, f, sizeof f) == ROAM_ATTEST_FIELD_MAX,
           "the longest time fits ROAM_ATTEST_FIELD_MAX");
    tap_eq(roam_moa_attest_field(&a, f, 50), (size_t)0, "too small a buffer: 0");
}

static void test_append(void)
{
    char err[ROAM_ERR_MAX];
    struct reg_spec s;
    reg_spec_sample(&s, MOA);
    s.id = 300;   /* a message field after the Register too */
    uint8_t reg[512], out[1024], field[20];
    size_t len = reg_encode(&s, reg, sizeof reg);
    memset(field, 0xee, sizeof field);
    field[0] = ROAM_ATTEST_FIELD << 3 | 2;
    field[1] = 18;
    size_t n = roam_handover_reg_append(reg, len, field, sizeof field, out, sizeof out, err,
                                        sizeof err);
    tap_eq(n, len + sizeof field, "appended: longer by the field (%s)", n ? "ok" : err);
    /* The Register's length grew by 20: its varint kept its size here. */
    size_t diff = 0;
    for (size_t i = 0; i < len; i++)
        diff += reg[i] != out[i];
    tap_eq(diff, (size_t)1, "one byte differs before the field: the Register's length");
    tap_eq(roam_handover_reg_append(reg, len, field, sizeof field, out, len + 5, err,
                                    sizeof err), (size_t)0, "an output too small: 0");
    reg[0] = 0xff;
    tap_eq(roam_handover_reg_append(reg, len, field, sizeof field, out, sizeof out, err,
                                    sizeof err), (size_t)0,
           "not a registration: refused (%s)", err);
}

int main(void)
{
    inet_pton(AF_INET6, "2001:db8:e::10", HOA);
    inet_pton(AF_INET6, "2001:db8:b::5054:ff:fe52:b02", MOA);
    EVP_PKEY *key = keygen(), *other = keygen();
    tap_ok(key && other, "Ed25519 keys");
    if (key && other) {
        test_round_trip(key, other);
        test_field(key);
    }
    test_append();
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    return tap_done();
}
