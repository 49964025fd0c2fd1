/* Ed25519 keys, signatures and verification (see ed25519.h). */
#include "ed25519.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "errbuf.h"

/* A secret key file nobody else could read or widen the mode of. */
static int secret_ok(int fd, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return roam_errf(err, errlen, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return roam_errf(err, errlen, "%s is not a regular file", path);
    if (st.st_mode & 077)
        return roam_errf(err, errlen, "%s: mode %04o: a private key must not be accessible by "
                         "group or others (chmod 600 it)", path, (unsigned)(st.st_mode & 07777));
    if (st.st_uid != geteuid() && st.st_uid != 0)
        return roam_errf(err, errlen, "%s: owned by uid %u, neither this user nor root", path,
                         (unsigned)st.st_uid);
    return 0;
}

static EVP_PKEY *load_pem(const char *path, int priv, int secret, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        roam_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (secret && secret_ok(fd, path, err, errlen) < 0) {
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        roam_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    ERR_clear_error();
    EVP_PKEY *k = priv ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
                       : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!k) {
        roam_errf_ssl(err, errlen, "%s holds no PEM %s key", path, priv ? "private" : "public");
        return NULL;
    }
    if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        roam_errf(err, errlen, "%s is not an Ed25519 key", path);
        return NULL;
    }
    return k;
}

EVP_PKEY *roam_ed25519_load_private(const char *path, int secret, char *err, size_t errlen)
{
    return load_pem(path, 1, secret, err, errlen);
}

int roam_ed25519_raw_public(EVP_PKEY *key, uint8_t pub[ROAM_ED25519_PUB_LEN])
{
    size_t n = ROAM_ED25519_PUB_LEN;
    return EVP_PKEY_get_raw_public_key(key, pub, &n) == 1 && n == ROAM_ED25519_PUB_LEN ? 0 : -1;
}

int roam_ed25519_load_public(const char *path, uint8_t pub[ROAM_ED25519_PUB_LEN], char *err,
                             size_t errlen)
{
    EVP_PKEY *k = load_pem(path, 0, 0, err, errlen);
    if (!k)
        return -1;
    int rc = roam_ed25519_raw_public(k, pub);
    EVP_PKEY_free(k);
    if (rc < 0)
        roam_errf(err, errlen, "%s: cannot extract the raw public key", path);
    return rc;
}

int roam_ed25519_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
                      uint8_t sig[ROAM_ED25519_SIG_LEN], char *err, size_t errlen)
{
    ERR_clear_error();
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t siglen = ROAM_ED25519_SIG_LEN;
    int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestSign(md, sig, &siglen, msg, len) == 1 && siglen == ROAM_ED25519_SIG_LEN;
    EVP_MD_CTX_free(md);
    return ok ? 0 : roam_errf_ssl(err, errlen, "Ed25519 signing failed");
}

int roam_ed25519_verify(const uint8_t pub[ROAM_ED25519_PUB_LEN], const uint8_t *msg, size_t len,
                        const uint8_t sig[ROAM_ED25519_SIG_LEN], char *err, size_t errlen)
{
    ERR_clear_error();
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, ROAM_ED25519_PUB_LEN);
    if (!k)
        return roam_errf_ssl(err, errlen, "bad Ed25519 public key");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = -1;
    if (md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1)
        rc = EVP_DigestVerify(md, sig, ROAM_ED25519_SIG_LEN, msg, len) == 1 ? 1 : 0;
    else
        roam_errf_ssl(err, errlen, "cannot set up Ed25519 verification");
    ERR_clear_error();   /* a failed verification queues an error: not ours to report */
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return rc;
}
