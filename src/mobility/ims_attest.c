/* Attestors and their attestations (see ims_attest.h). */
#include "ims_attest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ed25519.h"
#include "errbuf.h"

void ims_attestors_free(ims_attestors *t)
{
    free(t->a);
    t->a = NULL;
    t->n = 0;
}

/* PUBKEY: base64 of 32 raw bytes (44 characters, one '='), else a PEM file. */
static int parse_key(const char *v, uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    size_t n = strlen(v);
    if (n == 44 && v[43] == '=' && v[42] != '=') {
        uint8_t raw[33];
        if (EVP_DecodeBlock(raw, (const unsigned char *)v, 44) == 33) {
            memcpy(pub, raw, IMS_PUBKEY_LEN);
            return 0;
        }
    }
    return roam_ed25519_load_public(v, pub, err, errlen);
}

static int parse_prefix(const char *v, ims_attestor *e)
{
    char a[64];
    const char *slash = strchr(v, '/');
    if (!slash || (size_t)(slash - v) >= sizeof a)
        return -1;
    memcpy(a, v, (size_t)(slash - v));
    a[slash - v] = '\0';
    char *end;
    errno = 0;
    long plen = strtol(slash + 1, &end, 10);
    if (errno || end == slash + 1 || *end || plen < IMS_ATTEST_PLEN_MIN || plen > 128 ||
        ims_addr_parse(a, e->prefix) < 0 || ims_addr_check(e->prefix, "prefix", NULL, 0) < 0)
        return -1;
    e->plen = (int)plen;
    /* Host bits set: a typo more likely than a wish. */
    for (int bit = e->plen; bit < 128; bit++)
        if (e->prefix[bit / 8] & (0x80 >> (bit % 8)))
            return -1;
    return 0;
}

/* One non-blank line into e; -1 with err. */
static int parse_line(char *s, ims_attestor *e, char *err, size_t errlen)
{
    char *save = NULL;
    char *prefix = strtok_r(s, " \t", &save);
    char *key = strtok_r(NULL, " \t", &save);
    if (!prefix || !key || strtok_r(NULL, " \t", &save))
        return roam_errf(err, errlen, "not PREFIX/LEN PUBKEY");
    if (parse_prefix(prefix, e) < 0)
        return roam_errf(err, errlen, "'%s' is not an IPv6 prefix /%d../128 without host bits",
                         prefix, IMS_ATTEST_PLEN_MIN);
    if (parse_key(key, e->pub, err, errlen) < 0)
        return -1;
    if (roam_attest_key_id(e->pub, e->key_id) < 0)
        return roam_errf(err, errlen, "cannot hash the public key");
    return 0;
}

int ims_attestors_load(ims_attestors *t, const char *path, roam_diag *d)
{
    int before = d->count;
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "re");
    if (!f) {
        roam_diag_at(d, path, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    if (!(t->a = calloc(IMS_ATTESTORS_MAX, sizeof *t->a))) {
        fclose(f);
        roam_diag_at(d, path, 0, "out of memory");
        return -1;
    }
    char buf[IMS_ATTEST_LINE_MAX + 2], err[ROAM_ERR_MAX];
    int line = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        size_t n = strlen(buf);
        if (n && buf[n - 1] == '\n')
            buf[--n] = '\0';
        else if (!feof(f)) {
            roam_diag_at(d, path, line, "line longer than %d bytes", IMS_ATTEST_LINE_MAX);
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            continue;
        }
        char *s = buf + strspn(buf, " \t");
        if (!*s || *s == '#')
            continue;
        if (t->n == IMS_ATTESTORS_MAX) {
            roam_diag_at(d, path, line, "more than %d attestor lines", IMS_ATTESTORS_MAX);
            break;
        }
        ims_attestor *e = &t->a[t->n];
        e->line = line;
        if (parse_line(s, e, err, sizeof err) < 0)
            roam_diag_at(d, path, line, "%s", err);
        else
            t->n++;
    }
    if (ferror(f))
        roam_diag_at(d, path, 0, "read error");
    fclose(f);
    if (d->count > before) {
        ims_attestors_free(t);
        return -1;
    }
    return 0;
}

static int in_prefix(const ims_attestor *e, const uint8_t a[IMS_ADDR_LEN])
{
    int full = e->plen / 8, rest = e->plen % 8;
    if (memcmp(e->prefix, a, (size_t)full) != 0)
        return 0;
    return rest == 0 || ((e->prefix[full] ^ a[full]) & (0xff00 >> rest)) == 0;
}

/* How far an attestation got: each step of the check is a stage, and the
 * later the stage it failed at, the more its reason tells. */
enum { PROVEN, UNKNOWN_KEY, OTHER_PREFIX, STALE, BAD_SIG, INTERNAL };

static const char *const reasons[] = {
    [UNKNOWN_KEY] = "attestation by an unknown host key",
    [OTHER_PREFIX] = "attestation by a host whose prefixes do not hold it",
    [STALE] = "attestation signed more than 60 s from this server's clock (stale)",
    [BAD_SIG] = "attestation with a bad signature (forged, altered or for another "
                "registration)",
    [INTERNAL] = "attestation could not be verified (internal error)",
};

_Static_assert(IMS_ATTEST_SKEW_S == 60, "the reason above says 60 s");

/* The stage at which attestation pa fails, or PROVEN. */
static int check_one(const ims_attestors *t, const Roam__Ims__V1__Register *r,
                     const Roam__Ims__V1__MoaAttestation *pa, int64_t now_s)
{
    roam_moa_attest a;
    memcpy(a.moa, pa->moa.data, IMS_ADDR_LEN);
    a.time = pa->time;
    memcpy(a.key_id, pa->key_id.data, ROAM_ATTEST_KEY_ID_LEN);
    memcpy(a.sig, pa->signature.data, IMS_SIG_LEN);
    int stage = UNKNOWN_KEY;
    for (size_t i = 0; i < t->n; i++) {
        const ims_attestor *e = &t->a[i];
        if (memcmp(e->key_id, a.key_id, ROAM_ATTEST_KEY_ID_LEN) != 0)
            continue;
        if (!in_prefix(e, a.moa)) {
            if (stage < OTHER_PREFIX)
                stage = OTHER_PREFIX;
            continue;
        }
        int64_t age = now_s - (int64_t)(a.time > INT64_MAX ? INT64_MAX : a.time);
        if (age > IMS_ATTEST_SKEW_S || age < -IMS_ATTEST_SKEW_S)
            return STALE;   /* another line of the same key would say the same */
        char err[ROAM_ERR_MAX];
        int v = roam_moa_attest_verify(e->pub, r->hoa.data, r->seq, &a, err, sizeof err);
        return v == 1 ? PROVEN : v == 0 ? BAD_SIG : INTERNAL;
    }
    return stage;
}

int ims_attest_check(const ims_attestors *t, const Roam__Ims__V1__Register *r,
                     const uint8_t moa[IMS_ADDR_LEN], int64_t now_s, const char **why)
{
    int best = PROVEN;   /* none seen yet */
    *why = NULL;
    for (size_t i = 0; i < r->n_moa_attestations; i++) {
        const Roam__Ims__V1__MoaAttestation *pa = r->moa_attestations[i];
        if (memcmp(pa->moa.data, moa, IMS_ADDR_LEN) != 0)
            continue;
        int stage = check_one(t, r, pa, now_s);
        if (stage == PROVEN)
            return 1;
        if (stage > best)
            best = stage;
    }
    if (best != PROVEN)
        *why = reasons[best];
    return best == INTERNAL ? -1 : 0;
}
