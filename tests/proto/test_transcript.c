/* Transcript encoding and MAC: deterministic, unambiguous, and a change to
 * any single field (or the key) makes verification fail. */
#include <string.h>

#include "errbuf.h"
#include "tap.h"
#include "transcript.h"

static char err[ROAM_ERR_MAX];

static struct roam_transcript base(void)
{
    struct roam_transcript t = {
        .role = ROAM_ROLE_ACCEPT, .vm = "web1", .src = "vms-a.example", .dst = "vms-b.example",
    };
    for (int i = 0; i < ROAM_QUERY_ID_LEN; i++)
        t.query_id[i] = (uint8_t)i;
    memset(t.nonce, 0xab, sizeof t.nonce);
    memset(t.exporter, 0xcd, sizeof t.exporter);
    return t;
}

static int verifies(const uint8_t *key, size_t keylen, const struct roam_transcript *t,
                    const uint8_t *mac)
{
    return roam_transcript_verify(key, keylen, t, mac, ROAM_MAC_LEN, err, sizeof err) == 0;
}

int main(void)
{
    uint8_t key[32];
    memset(key, 0x42, sizeof key);
    struct roam_transcript t = base();
    static const char ct[] = "ciphertext bytes";
    tap_eq(roam_sha256(ct, sizeof ct - 1, t.ciphertext_hash, err, sizeof err), 0, "sha256");

    /* SHA-256("abc"), FIPS 180-2 example. */
    uint8_t h[32];
    static const uint8_t abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
        0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
        0xf2, 0x00, 0x15, 0xad };
    roam_sha256("abc", 3, h, err, sizeof err);
    tap_eq_mem(h, abc, 32, "sha256(\"abc\") known answer");

    uint8_t mac[ROAM_MAC_LEN], mac2[ROAM_MAC_LEN];
    tap_eq(roam_transcript_mac(key, sizeof key, &t, mac, err, sizeof err), 0, "mac computes");
    tap_ok(roam_transcript_mac(key, sizeof key, &t, mac2, err, sizeof err) == 0 &&
           memcmp(mac, mac2, sizeof mac) == 0, "mac is deterministic");
    tap_ok(verifies(key, sizeof key, &t, mac), "mac verifies");

    /* The encoding starts with the domain tag and ends with the exporter. */
    uint8_t enc[ROAM_TRANSCRIPT_MAX];
    size_t len = 0;
    int r = roam_transcript_encode(&t, enc, sizeof enc, &len, err, sizeof err);
    tap_ok(r == 0 && len == 202 &&
           memcmp(enc, "\x00\x00\x00\x12" ROAM_TRANSCRIPT_TAG "\x00\x00\x00\x06" "accept"
                  "\x00\x00\x00\x04" "web1", 36) == 0 &&
           memcmp(enc + len - 32, t.exporter, 32) == 0 &&
           memcmp(enc + len - 36, "\x00\x00\x00\x20", 4) == 0,
           "encoding: tag, role, vm first; length-prefixed exporter last (%zu bytes)", len);
    size_t len2 = 0;
    tap_ok(roam_transcript_encode(&t, enc, len - 1, &len2, err, sizeof err) < 0,
           "encoding refuses a short buffer (%s)", err);

    /* Known answer, computed independently (Python hmac/hashlib) from the
     * definition in docs/protocol.md section 4; also documented there. */
    static const uint8_t kat[32] = {
        0x9f, 0x68, 0xda, 0xd1, 0xdf, 0x37, 0x31, 0x76, 0x81, 0xf7, 0x9a, 0x97, 0x85, 0x38,
        0x7a, 0xc0, 0x7d, 0x51, 0x44, 0x34, 0x73, 0x9c, 0xca, 0xcb, 0xf6, 0x0e, 0x52, 0xfd,
        0x3a, 0xb7, 0xa6, 0x22 };
    tap_eq_mem(mac, kat, 32, "MAC known answer");

    /* Every single-field change breaks the MAC. */
    struct roam_transcript m;
    m = base(); memcpy(m.ciphertext_hash, t.ciphertext_hash, 32);
    tap_ok(verifies(key, sizeof key, &m, mac), "fresh copy verifies");
    m.role = ROAM_ROLE_MIGRATE;
    tap_ok(!verifies(key, sizeof key, &m, mac) && strstr(err, "mismatch"),
           "changed role fails (%s)", err);
    m = t; m.vm = "web2";
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed vm fails");
    m = t; m.src = "vms-c.example";
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed src fails");
    m = t; m.dst = "vms-c.example";
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed dst fails");
    m = t; m.src = t.dst; m.dst = t.src;
    tap_ok(!verifies(key, sizeof key, &m, mac), "swapped src/dst fails");
    m = t; m.query_id[15] ^= 1;
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed query id fails");
    m = t; m.ciphertext_hash[0] ^= 0x80;
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed ciphertext hash fails");
    m = t; m.nonce[31] ^= 1;
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed nonce fails");
    m = t; m.exporter[7] ^= 1;
    tap_ok(!verifies(key, sizeof key, &m, mac), "changed exporter (another connection) fails");
    uint8_t key2[32];
    memcpy(key2, key, 32);
    key2[31] ^= 1;
    tap_ok(!verifies(key2, sizeof key2, &t, mac), "another key fails");
    uint8_t badmac[ROAM_MAC_LEN];
    memcpy(badmac, mac, sizeof badmac);
    badmac[0] ^= 1;
    tap_ok(!verifies(key, sizeof key, &t, badmac), "flipped MAC bit fails");
    tap_ok(roam_transcript_verify(key, sizeof key, &t, mac, 31, err, sizeof err) < 0,
           "truncated MAC fails (%s)", err);

    /* A dry run's transcript has a tenth field, so a proof for a dry run
     * is none for the real request and the other way round.  Known answer
     * computed as above, with the field "dry-run" appended. */
    static const uint8_t kat_dry[32] = {
        0x10, 0x48, 0xe8, 0xc6, 0x77, 0x28, 0x6a, 0x7f, 0x11, 0x93, 0x72, 0x02, 0x29, 0x07,
        0x9b, 0xa8, 0xdb, 0x3b, 0x69, 0x66, 0xaa, 0xef, 0x82, 0x98, 0x29, 0xf5, 0x17, 0xea,
        0xad, 0x0c, 0x5d, 0xdb };
    m = t; m.dry_run = 1;
    tap_ok(!verifies(key, sizeof key, &m, mac), "dry-run mark on a real proof fails");
    uint8_t mdry[ROAM_MAC_LEN];
    tap_eq(roam_transcript_mac(key, sizeof key, &m, mdry, err, sizeof err), 0, "dry-run mac");
    tap_eq_mem(mdry, kat_dry, 32, "dry-run MAC known answer");
    tap_ok(roam_transcript_encode(&m, enc, sizeof enc, &len, err, sizeof err) == 0 &&
           len == 213 && memcmp(enc + 202, "\x00\x00\x00\x07" "dry-run", 11) == 0,
           "dry-run encoding: the real one plus a length-prefixed \"dry-run\"");
    m.dry_run = 0;
    tap_ok(!verifies(key, sizeof key, &m, mdry), "a dry run's proof does not verify as real");

    /* A sealed challenge (the source's, role migrate) adds the sealed
     * part's hash last.  Known answer: as above with role migrate and the
     * sealed part the ASCII bytes "sealed bytes". */
    static const uint8_t kat_sealed[32] = {
        0x78, 0xea, 0x0a, 0x56, 0x8c, 0xbd, 0x90, 0x39, 0x61, 0x57, 0x1c, 0xe8, 0x68, 0xbd,
        0x8e, 0xbe, 0xeb, 0x27, 0x11, 0xa2, 0x9f, 0xf7, 0x8d, 0x8a, 0x38, 0xf4, 0xdf, 0x65,
        0x3b, 0x69, 0x82, 0x55 };
    m = t;
    m.role = ROAM_ROLE_MIGRATE;
    m.sealed = 1;
    roam_sha256("sealed bytes", 12, m.sealed_hash, err, sizeof err);
    uint8_t msealed[ROAM_MAC_LEN];
    tap_ok(roam_transcript_mac(key, sizeof key, &m, msealed, err, sizeof err) == 0 &&
           roam_transcript_encode(&m, enc, sizeof enc, &len, err, sizeof err) == 0 &&
           len == 239 && memcmp(enc + len - 36, "\x00\x00\x00\x20", 4) == 0,
           "sealed encoding: 239 bytes, the hash last");
    tap_eq_mem(msealed, kat_sealed, 32, "sealed MAC known answer");
    m.sealed = 0;
    tap_ok(!verifies(key, sizeof key, &m, msealed), "without the sealed part it does not verify");

    /* Field boundaries are unambiguous: moving a byte between names changes
     * the encoding although the concatenation is the same. */
    struct roam_transcript x = t, y = t;
    x.vm = "ab"; x.src = "c";
    y.vm = "a"; y.src = "bc";
    uint8_t mx[32], my[32];
    roam_transcript_mac(key, sizeof key, &x, mx, err, sizeof err);
    roam_transcript_mac(key, sizeof key, &y, my, err, sizeof err);
    tap_ok(memcmp(mx, my, 32) != 0, "length prefixes separate adjacent fields");

    /* Bad inputs get clear errors. */
    m = t; m.role = 0;
    tap_ok(roam_transcript_mac(key, sizeof key, &m, mac2, err, sizeof err) < 0 &&
           strstr(err, "role"), "unknown role refused (%s)", err);
    m = t; m.vm = "";
    tap_ok(roam_transcript_mac(key, sizeof key, &m, mac2, err, sizeof err) < 0 &&
           strstr(err, "vm"), "empty vm refused (%s)", err);
    m = t; m.dst = NULL;
    tap_ok(roam_transcript_mac(key, sizeof key, &m, mac2, err, sizeof err) < 0 &&
           strstr(err, "dst"), "missing dst refused (%s)", err);
    char longname[ROAM_NAME_MAX + 2];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    m = t; m.src = longname;
    tap_ok(roam_transcript_mac(key, sizeof key, &m, mac2, err, sizeof err) < 0,
           "overlong src refused (%s)", err);
    longname[ROAM_NAME_MAX] = '\0';
    m = t; m.vm = m.src = m.dst = longname;
    m.dry_run = 1;
    tap_eq(roam_transcript_mac(key, sizeof key, &m, mac2, err, sizeof err), 0,
           "maximum-length names fit ROAM_TRANSCRIPT_MAX");
    tap_ok(roam_transcript_mac(key, 15, &t, mac2, err, sizeof err) < 0,
           "15-byte key refused (%s)", err);
    tap_eq(roam_transcript_mac(key, 16, &t, mac2, err, sizeof err), 0,
           "16-byte key accepted");
    return tap_done();
}
