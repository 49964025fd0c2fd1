/* MoA tokens (see ims_token.h). */
#include "ims_token.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "errbuf.h"

static const char LABEL[] = "roam-ims moa token v1";   /* with its NUL */

int ims_token_key_load(ims_token_key *k, const char *path, int epoch_s, char *err,
                       size_t errlen)
{
    memset(k, 0, sizeof *k);
    if (epoch_s < 1)
        return roam_errf(err, errlen, "token epoch of %d s", epoch_s);
    k->epoch_s = epoch_s;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return roam_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) < 0) {
        roam_errf(err, errlen, "%s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        roam_errf(err, errlen, "%s is not a regular file", path);
    } else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        /* The secret makes every token: no one else may read it. */
        roam_errf(err, errlen, "%s is accessible by group or others (mode %03o): chmod 600",
                  path, (unsigned)(st.st_mode & 0777));
    } else {
        uint8_t buf[IMS_SECRET_MAX + 1];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0)
            roam_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        else if (n < IMS_SECRET_MIN || n > IMS_SECRET_MAX)
            roam_errf(err, errlen, "%s holds %zd bytes, not %d..%d", path, n, IMS_SECRET_MIN,
                      IMS_SECRET_MAX);
        else {
            memcpy(k->secret, buf, (size_t)n);
            k->len = (size_t)n;
            rc = 0;
        }
        OPENSSL_cleanse(buf, sizeof buf);
    }
    close(fd);
    return rc;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* The token of one epoch: HMAC(secret, label ‖ epoch ‖ hoa ‖ moa ‖ seq). */
static int token_at(const ims_token_key *k, const uint8_t hoa[IMS_ADDR_LEN],
                    const uint8_t moa[IMS_ADDR_LEN], uint64_t seq, uint64_t epoch,
                    uint8_t out[IMS_TOKEN_LEN])
{
    uint8_t msg[sizeof LABEL + 8 + 2 * IMS_ADDR_LEN + 8];
    uint8_t *p = msg;
    memcpy(p, LABEL, sizeof LABEL);
    p += sizeof LABEL;
    put64(p, epoch);
    p += 8;
    memcpy(p, hoa, IMS_ADDR_LEN);
    p += IMS_ADDR_LEN;
    memcpy(p, moa, IMS_ADDR_LEN);
    p += IMS_ADDR_LEN;
    put64(p, seq);
    unsigned int len = 0;
    if (!k->len || !HMAC(EVP_sha256(), k->secret, (int)k->len, msg, sizeof msg, out, &len) ||
        len != IMS_TOKEN_LEN)
        return -1;
    return 0;
}

static uint64_t epoch_of(const ims_token_key *k, int64_t now_s)
{
    return now_s > 0 ? (uint64_t)now_s / (uint64_t)k->epoch_s : 0;
}

int ims_token_make(const ims_token_key *k, const uint8_t hoa[IMS_ADDR_LEN],
                   const uint8_t moa[IMS_ADDR_LEN], uint64_t seq, int64_t now_s,
                   uint8_t out[IMS_TOKEN_LEN])
{
    return token_at(k, hoa, moa, seq, epoch_of(k, now_s), out);
}

int ims_token_check(const ims_token_key *k, const uint8_t hoa[IMS_ADDR_LEN],
                    const uint8_t moa[IMS_ADDR_LEN], uint64_t seq, int64_t now_s,
                    const uint8_t *tok, size_t toklen)
{
    if (toklen != IMS_TOKEN_LEN)
        return 0;
    uint64_t e = epoch_of(k, now_s);
    for (uint64_t back = 0; back <= 1 && back <= e; back++) {
        uint8_t want[IMS_TOKEN_LEN];
        if (token_at(k, hoa, moa, seq, e - back, want) < 0)
            return 0;
        if (CRYPTO_memcmp(want, tok, IMS_TOKEN_LEN) == 0)
            return 1;
    }
    return 0;
}

void ims_token_key_clear(ims_token_key *k)
{
    OPENSSL_cleanse(k, sizeof *k);
}
