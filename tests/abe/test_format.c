/* roam's object formats and armor: round trips of MPK, MSK, user keys and
 * ciphertexts (a decoded key still decapsulates), and rejection, never a
 * crash, of malformed objects of every type: every truncation, trailing
 * bytes, bad magic/type/version, flipped bytes in every point, scalars out
 * of range, inconsistent attribute lists, and broken armor.  Files: modes
 * 0600 for secrets, no overwriting. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "armor.h"
#include "format.h"
#include "abe.h"
#include "tap.h"
#include "test_kem_util.h"

static abe_mpk_t *mpk;
static abe_msk_t msk;

typedef int (*decode_fn)(const uint8_t *in, size_t len);

static abe_key_t *scratch_key;
static int dec_mpk(const uint8_t *in, size_t len)
{
    abe_mpk_t *m = tk_alloc(sizeof *m);
    int rc = abe_decode_mpk(m, in, len);
    free(m);
    return rc;
}
static int dec_msk(const uint8_t *in, size_t len)
{
    abe_msk_t m;
    uint8_t id[ABE_ID_BYTES];
    return abe_decode_msk(&m, id, in, len);
}
static int dec_key(const uint8_t *in, size_t len)
{
    abe_error_t err;
    return abe_decode_key(scratch_key, in, len, &err);
}
static int dec_ct(const uint8_t *in, size_t len)
{
    abe_prepared_t *pp = tk_alloc(sizeof *pp);
    const uint8_t *s;
    size_t sl;
    int rc = abe_decode_ct(in, len, &s, &sl, pp);
    if (rc == ABE_OK)
        abe_prepared_clear(pp);
    free(pp);
    return rc;
}

/* Every truncation, one trailing byte, header damage, and a flip of each
 * byte in [from, len) stepping by step must be rejected. */
static void malformed(const char *what, decode_fn dec, const uint8_t *obj, size_t len,
                      size_t from, size_t step)
{
    uint8_t *b = tk_alloc(len + 1);
    int bad = 0;
    tap_eq(dec(obj, len), ABE_OK, "%s: decodes", what);
    for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 7)
        if (dec(obj, cut) == ABE_OK)
            bad++;
    tap_eq(bad, 0, "%s: every truncation rejected", what);
    memcpy(b, obj, len);
    b[len] = 0;
    tap_eq(dec(b, len + 1), ABE_ERR_LENGTH, "%s: trailing byte rejected", what);
    b[0] ^= 1;
    tap_eq(dec(b, len), ABE_ERR_MAGIC, "%s: bad magic rejected", what);
    b[0] ^= 1;
    b[5] = 2;
    tap_eq(dec(b, len), ABE_ERR_VERSION, "%s: version 2 rejected", what);
    b[5] = ABE_OBJ_VERSION;
    b[4] = (uint8_t)(b[4] % 4 + 1);
    tap_eq(dec(b, len), ABE_ERR_TYPE, "%s: other type rejected", what);
    b[4] = obj[4];
    bad = 0;
    for (size_t i = from; i < len; i += step) {
        b[i] ^= 0x04;
        if (dec(b, len) == ABE_OK)
            bad++;
        b[i] ^= 0x04;
    }
    tap_eq(bad, 0, "%s: flipped bytes from offset %zu rejected (%d accepted)", what, from, bad);
    free(b);
}

/* Random damage (fixed seed, reproducible): 1 to 4 bytes overwritten, or
 * the object cut or extended at a random place.  Decoders must never crash.
 * A changed object may still be well-formed (a flipped sign bit gives the
 * negated point; another attribute name gives another valid policy): each
 * one the decoder accepts is passed to still_bad, which must show that it
 * is caught later.  still_bad = NULL: only "no crash" is checked (a user
 * key's compressed points carry no redundancy beyond the sign bit, so a
 * flipped sign bit is a different, well-formed key). */
typedef int (*caught_fn)(const uint8_t *in, size_t len);

static void mutations(const char *what, decode_fn dec, caught_fn still_bad, const uint8_t *obj,
                      size_t len, unsigned rounds)
{
    uint8_t *b = tk_alloc(len + 64);
    unsigned seed = 12345, accepted = 0, escaped = 0;
    for (unsigned r = 0; r < rounds; r++) {
        size_t bl = len;
        memcpy(b, obj, len);
        unsigned kind = (unsigned)rand_r(&seed) % 3;
        if (kind == 0) {
            for (int k = 1 + rand_r(&seed) % 4; k > 0; k--)
                b[(size_t)rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
        } else if (kind == 1) {
            bl = (size_t)rand_r(&seed) % len;
        } else {
            size_t extra = 1 + (size_t)rand_r(&seed) % 63;
            for (size_t k = 0; k < extra; k++)
                b[len + k] = (uint8_t)rand_r(&seed);
            bl = len + extra;
        }
        if (dec(b, bl) != ABE_OK || (bl == len && memcmp(b, obj, len) == 0))
            continue;
        accepted++;
        if (still_bad != NULL && !still_bad(b, bl))
            escaped++;
    }
    tap_eq(escaped, 0, "%s: %u random mutations, %u well-formed, %u not caught later", what,
           rounds, accepted, escaped);
    free(b);
}

/* A changed MPK must never be well-formed (a random change leaves GT). */
static int mpk_never(const uint8_t *in, size_t len)
{
    (void)in;
    (void)len;
    return 0;
}

/* A well-formed but changed ciphertext object must fail Decaps. */
static abe_key_t *ct_key;
static int ct_fails_decaps(const uint8_t *in, size_t len)
{
    uint8_t k[ABE_KEM_KEY_BYTES];
    return abe_kem_decaps(mpk, ct_key, in + ABE_OBJ_HEADER_BYTES, len - ABE_OBJ_HEADER_BYTES, NULL, k) ==
           ABE_ERR_DECAPS;
}

static void armor_tests(const uint8_t *obj, size_t len)
{
    char *text;
    size_t tl;
    uint8_t *d;
    size_t dl;
    char label[ABE_ARMOR_MAX_LABEL + 1];
    const char *why;
    tap_eq(abe_armor_encode("ROAM USER KEY", obj, len, &text, &tl), 0, "armor encode");
    tap_ok(strncmp(text, "-----BEGIN ROAM USER KEY-----\n", 30) == 0, "armor header");
    tap_ok(abe_armor_decode(text, tl, label, &d, &dl, &why) == 0 && dl == len &&
               memcmp(d, obj, len) == 0 && strcmp(label, "ROAM USER KEY") == 0,
           "armor round trip");
    free(d);
    tap_eq(abe_armor_decode(text, tl - 1, label, &d, &dl, &why), 0, "END line without newline accepted");
    free(d);
    char *b = tk_alloc(tl + 16);
    /* trailing data */
    memcpy(b, text, tl);
    memcpy(b + tl, "x\n", 3);
    tap_ok(abe_armor_decode(b, tl + 2, label, &d, &dl, &why) != 0, "trailing data rejected (%s)", why);
    /* CRLF */
    memcpy(b, text, tl);
    b[29] = '\r';
    tap_ok(abe_armor_decode(b, tl, label, &d, &dl, &why) != 0, "CR in BEGIN line rejected (%s)", why);
    /* bad base64 character */
    memcpy(b, text, tl);
    b[40] = '*';
    tap_ok(abe_armor_decode(b, tl, label, &d, &dl, &why) != 0, "bad base64 char rejected (%s)", why);
    /* END label differs */
    memcpy(b, text, tl);
    char *e = strstr(b, "-----END ROAM USER KEY");
    e[9] = 'X';
    tap_ok(abe_armor_decode(b, tl, label, &d, &dl, &why) != 0, "END label mismatch rejected (%s)", why);
    /* a missing character: line lengths broken */
    memcpy(b, text, tl);
    memmove(b + 40, b + 41, tl - 41);
    tap_ok(abe_armor_decode(b, tl - 1, label, &d, &dl, &why) != 0, "short line rejected (%s)", why);
    /* missing END */
    tap_ok(abe_armor_decode(text, (size_t)(strstr(text, "-----END") - text), label, &d, &dl, &why) != 0,
           "missing END rejected (%s)", why);
    /* non-canonical padding: last data char before '=' with stray bits */
    const char *pad_bad = "-----BEGIN ROAM X-----\nQR==\n-----END ROAM X-----\n";
    tap_ok(abe_armor_decode(pad_bad, strlen(pad_bad), label, &d, &dl, &why) != 0,
           "non-canonical base64 rejected (%s)", why);
    const char *pad_ok = "-----BEGIN ROAM X-----\nQQ==\n-----END ROAM X-----\n";
    tap_ok(abe_armor_decode(pad_ok, strlen(pad_ok), label, &d, &dl, &why) == 0 && dl == 1 && d[0] == 'A',
           "canonical short base64 accepted");
    free(d);
    const char *mid_pad = "-----BEGIN ROAM X-----\nQQ==QQ==\n-----END ROAM X-----\n";
    tap_ok(abe_armor_decode(mid_pad, strlen(mid_pad), label, &d, &dl, &why) != 0,
           "padding in the middle rejected (%s)", why);
    /* Random damage to the text: never a crash, and whatever decodes is
     * either the original data or is stopped by the object decoder. */
    unsigned seed = 777, bad = 0;
    for (unsigned r = 0; r < 500; r++) {
        memcpy(b, text, tl);
        for (int k = 1 + rand_r(&seed) % 3; k > 0; k--)
            b[(size_t)rand_r(&seed) % tl] = (char)(32 + rand_r(&seed) % 96);
        size_t cut = rand_r(&seed) % 4 == 0 ? (size_t)rand_r(&seed) % tl : tl;
        if (abe_armor_decode(b, cut, label, &d, &dl, &why) == 0) {
            if (!(dl == len && memcmp(d, obj, len) == 0) && dec_ct(d, dl) == ABE_OK &&
                !ct_fails_decaps(d, dl))
                bad++;
            free(d);
        }
    }
    tap_eq(bad, 0, "500 random armor mutations: nothing wrong gets through");
    free(b);
    free(text);
}

static void file_tests(const uint8_t *key_obj, size_t key_len, const uint8_t *mpk_obj,
                       size_t mpk_len)
{
    char dir[] = "/tmp/roam-test-format-XXXXXX", kp[128], mp[128], err[512];
    if (!tap_ok(mkdtemp(dir) != NULL, "temp dir"))
        return;
    snprintf(kp, sizeof kp, "%s/user.key", dir);
    snprintf(mp, sizeof mp, "%s/mpk.pem", dir);
    mode_t old = umask(0);
    tap_eq(abe_keyfile_save(kp, key_obj, key_len, err, sizeof err), 0, "save key: %s", err);
    tap_eq(abe_keyfile_save(mp, mpk_obj, mpk_len, err, sizeof err), 0, "save mpk: %s", err);
    umask(old);
    struct stat st;
    tap_ok(stat(kp, &st) == 0 && (st.st_mode & 0777) == 0600, "user key mode 0600 (umask 0)");
    tap_ok(stat(mp, &st) == 0 && (st.st_mode & 0777) == 0644, "MPK mode 0644");
    tap_ok(abe_keyfile_save(kp, key_obj, key_len, err, sizeof err) != 0, "no overwrite: %s", err);
    uint8_t *o;
    size_t ol;
    abe_obj_type t;
    tap_ok(abe_keyfile_load(kp, ABE_OBJ_USER_KEY, &o, &ol, &t, err, sizeof err) == 0 && ol == key_len &&
               memcmp(o, key_obj, ol) == 0, "load key");
    abe_free_secret(o, ol);
    tap_ok(abe_keyfile_load(mp, ABE_OBJ_USER_KEY, &o, &ol, &t, err, sizeof err) != 0,
           "an MPK where a key is expected: %s", err);
    tap_ok(abe_keyfile_load(dir, 0, &o, &ol, &t, err, sizeof err) != 0, "a directory: %s", err);
    /* A secret others can read is refused, naming the file and the mode. */
    tap_ok(chmod(kp, 0640) == 0 &&
           abe_keyfile_load(kp, ABE_OBJ_USER_KEY, &o, &ol, &t, err, sizeof err) != 0 &&
           strstr(err, kp) && strstr(err, "mode 0640"), "group-readable user key refused: %s",
           err);
    tap_ok(chmod(kp, 0604) == 0 && abe_keyfile_load(kp, 0, &o, &ol, &t, err, sizeof err) != 0,
           "world-readable user key refused: %s", err);
    tap_ok(chmod(kp, 0400) == 0 &&
           abe_keyfile_load(kp, ABE_OBJ_USER_KEY, &o, &ol, &t, err, sizeof err) == 0,
           "mode 0400 accepted");
    abe_free_secret(o, ol);
    tap_ok(chmod(mp, 0666) == 0 &&
           abe_keyfile_load(mp, ABE_OBJ_MPK, &o, &ol, &t, err, sizeof err) == 0,
           "a public key may be readable by anyone");
    free(o);
    unlink(kp);
    unlink(mp);
    rmdir(dir);
}

int main(void)
{
    mpk = tk_alloc(sizeof *mpk);
    scratch_key = tk_alloc(sizeof *scratch_key);
    if (!tap_eq(abe_setup(mpk, &msk), ABE_OK, "setup"))
        return tap_done();
    abe_error_t err;
    uint8_t *o;
    size_t ol;

    tap_ok(abe_encode_mpk(mpk, &o, &ol) == ABE_OK && ol == ABE_OBJ_HEADER_BYTES + BLS_GT_BYTES, "MPK encodes");
    abe_mpk_t *m2 = tk_alloc(sizeof *m2);
    tap_ok(abe_decode_mpk(m2, o, ol) == ABE_OK && memcmp(m2->id, mpk->id, 32) == 0, "MPK round trip");
    malformed("MPK", dec_mpk, o, ol, ABE_OBJ_HEADER_BYTES, 23);
    mutations("MPK", dec_mpk, mpk_never, o, ol, 300);
    uint8_t *mpk_obj = o;
    size_t mpk_len = ol;

    tap_eq(abe_encode_msk(&msk, mpk, &o, &ol), ABE_OK, "MSK encodes");
    abe_msk_t k2;
    uint8_t id[32];
    tap_ok(abe_decode_msk(&k2, id, o, ol) == ABE_OK && bls_fr_equal(&k2.alpha, &msk.alpha) &&
               memcmp(id, mpk->id, 32) == 0, "MSK round trip");
    uint8_t *sb = tk_alloc(ol);
    memcpy(sb, o, ol);
    memset(sb + ABE_OBJ_HEADER_BYTES + 32, 0xff, 32);
    tap_eq(abe_decode_msk(&k2, id, sb, ol), ABE_ERR_SCALAR, "alpha >= r rejected");
    memset(sb + ABE_OBJ_HEADER_BYTES + 32, 0, 32);
    tap_eq(abe_decode_msk(&k2, id, sb, ol), ABE_ERR_SCALAR, "alpha = 0 rejected");
    free(sb);
    /* alpha has no redundancy: a flipped bit gives another scalar, which
     * abe_msk_matches (run by roam-kgc keygen) detects. */
    malformed("MSK", dec_msk, o, ol, ol, 1);
    o[ol - 1] ^= 1;
    tap_ok(abe_decode_msk(&k2, id, o, ol) == ABE_OK && !abe_msk_matches(&k2, mpk),
           "a corrupted alpha no longer matches the MPK");
    abe_free_secret(o, ol);

    abe_key_t *key = tk_key(mpk, &msk, "HCU|Netsci|M1|grade = 4|expiry = 2027-03-31", &err);
    tap_ok(key != NULL && abe_encode_key(key, &o, &ol) == ABE_OK, "user key encodes (%zu bytes)", ol);
    tap_eq(abe_decode_key(scratch_key, o, ol, &err), ABE_OK, "user key decodes");
    uint8_t f1[32], f2[32];
    abe_key_fingerprint(key, f1);
    abe_key_fingerprint(scratch_key, f2);
    tap_eq_mem(f1, f2, 32, "fingerprint survives the round trip");
    abe_prepared_t *pp = tk_policy("grade >= 3 and expiry >= 2026-11-25", 0, &err);
    int same;
    tap_ok(tk_round(mpk, scratch_key, pp, NULL, &same, NULL, NULL) == ABE_OK && same,
           "decoded key decapsulates");
    /* Points start after the user texts; flip every 5th byte of the rest. */
    size_t texts_end = ABE_OBJ_HEADER_BYTES + 32 + 2;
    for (size_t i = 0; i < key->n_user; i++)
        texts_end += 2 + key->user_len[i];
    malformed("user key", dec_key, o, ol, texts_end, 13);
    mutations("user key", dec_key, NULL, o, ol, 300);
    /* Inconsistent attributes: change one user text ("grade = 4" -> "grade = 5"). */
    uint8_t *b = tk_alloc(ol);
    memcpy(b, o, ol);
    uint8_t *g = memmem(b, ol, "grade = 4", 9);
    g[8] = '5';
    tap_eq(abe_decode_key(scratch_key, b, ol, &err), ABE_ERR_ATTRS,
           "texts that do not match the stored strings rejected");
    g[0] = 0x01;
    tap_eq(abe_decode_key(scratch_key, b, ol, &err), ABE_ERR_ATTRS, "control byte in a text rejected");
    free(b);
    abe_free_secret(o, ol);
    abe_key_t *kbad = tk_alloc(sizeof *kbad);
    const char *two[] = {"x = 4", "x = 10"};
    tap_ok(abe_key_set_attrs(kbad, two, 2, &err) != ABE_OK,
           "two values of one numeric attribute refused: %s", err.msg);
    free(kbad);

    static uint8_t ct[ABE_KEM_CT_MAX_BYTES];
    size_t cl;
    tk_round(mpk, key, pp, NULL, &same, ct, &cl);
    tap_eq(abe_encode_ct(ct, cl, &o, &ol), ABE_OK, "ciphertext object encodes");
    malformed("ciphertext", dec_ct, o, ol, ABE_OBJ_HEADER_BYTES + 5 + pp->enc_len, 11);
    ct_key = key;
    mutations("ciphertext", dec_ct, ct_fails_decaps, o, ol, 300);
    armor_tests(o, ol);
    abe_free_secret(o, ol);

    abe_encode_key(key, &o, &ol);
    file_tests(o, ol, mpk_obj, mpk_len);
    abe_free_secret(o, ol);
    free(mpk_obj);
    tk_policy_free(pp);
    tk_key_free(key);
    abe_key_clear(scratch_key);
    free(scratch_key);
    free(m2);
    free(mpk);
    abe_msk_clear(&msk);
    return tap_done();
}
