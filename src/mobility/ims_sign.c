/* Ed25519 credentials and registration signatures (see ims_sign.h). */
#include "ims_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "errbuf.h"

_Static_assert(sizeof IMS_ACK_LABEL <= sizeof IMS_SIGN_LABEL, "IMS_SIGNED_MAX covers both labels");

static size_t canonical(const char *label, size_t label_len, const uint8_t hoa[IMS_ADDR_LEN],
                        uint64_t seq, const ims_binding *b, size_t n,
                        uint8_t out[IMS_SIGNED_MAX])
{
    if (n > IMS_MAX_BINDINGS || label_len > sizeof IMS_SIGN_LABEL)
        return 0;
    size_t k = 0;
    memcpy(out, label, label_len);   /* with its NUL */
    k += label_len;
    memcpy(out + k, hoa, IMS_ADDR_LEN);
    k += IMS_ADDR_LEN;
    for (int i = 7; i >= 0; i--)
        out[k++] = (uint8_t)(seq >> (8 * i));
    out[k++] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        memcpy(out + k, b[i].moa, IMS_ADDR_LEN);
        k += IMS_ADDR_LEN;
        out[k++] = (uint8_t)b[i].state;
    }
    return k;
}

size_t ims_signed_bytes(const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                        const ims_binding *b, size_t n, uint8_t out[IMS_SIGNED_MAX])
{
    return canonical(IMS_SIGN_LABEL, sizeof IMS_SIGN_LABEL, hoa, seq, b, n, out);
}

static int write_pem_file(const char *path, mode_t mode, EVP_PKEY *key, int priv,
                          char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return roam_errf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return roam_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    }
    int ok = priv ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
                  : PEM_write_PUBKEY(f, key);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        ok = 0;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        unlink(path);
        return roam_errf_ssl(err, errlen, "cannot write %s", path);
    }
    return 0;
}

int ims_key_generate(const char *priv_path, const char *pub_path, char *err, size_t errlen)
{
    ERR_clear_error();
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!key)
        return roam_errf_ssl(err, errlen, "cannot generate an Ed25519 key");
    int rc = write_pem_file(priv_path, 0600, key, 1, err, errlen);
    if (rc == 0 && (rc = write_pem_file(pub_path, 0644, key, 0, err, errlen)) < 0)
        unlink(priv_path);
    EVP_PKEY_free(key);
    return rc;
}

static EVP_PKEY *load_pem(const char *path, int priv, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        roam_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
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

EVP_PKEY *ims_key_load_private(const char *path, char *err, size_t errlen)
{
    return load_pem(path, 1, err, errlen);
}

int ims_key_raw_public(EVP_PKEY *key, uint8_t pub[IMS_PUBKEY_LEN])
{
    size_t n = IMS_PUBKEY_LEN;
    return EVP_PKEY_get_raw_public_key(key, pub, &n) == 1 && n == IMS_PUBKEY_LEN ? 0 : -1;
}

int ims_key_load_public(const char *path, uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    EVP_PKEY *k = load_pem(path, 0, err, errlen);
    if (!k)
        return -1;
    int rc = ims_key_raw_public(k, pub);
    EVP_PKEY_free(k);
    if (rc < 0)
        roam_errf(err, errlen, "%s: cannot extract the raw public key", path);
    return rc;
}

static int sign_canonical(EVP_PKEY *key, const char *label, size_t label_len,
                          const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                          const ims_binding *b, size_t n, uint8_t sig[IMS_SIG_LEN],
                          char *err, size_t errlen)
{
    uint8_t msg[IMS_SIGNED_MAX];
    size_t len = canonical(label, label_len, hoa, seq, b, n, msg);
    if (len == 0)
        return roam_errf(err, errlen, "too many bindings to sign");
    ERR_clear_error();
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t siglen = IMS_SIG_LEN;
    int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestSign(md, sig, &siglen, msg, len) == 1 && siglen == IMS_SIG_LEN;
    EVP_MD_CTX_free(md);
    return ok ? 0 : roam_errf_ssl(err, errlen, "Ed25519 signing failed");
}

static int verify_canonical(const uint8_t pub[IMS_PUBKEY_LEN], const char *label,
                            size_t label_len, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                            const ims_binding *b, size_t n, const uint8_t sig[IMS_SIG_LEN],
                            char *err, size_t errlen)
{
    uint8_t msg[IMS_SIGNED_MAX];
    size_t len = canonical(label, label_len, hoa, seq, b, n, msg);
    if (len == 0)
        return 0;
    ERR_clear_error();
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, IMS_PUBKEY_LEN);
    if (!k)
        return roam_errf_ssl(err, errlen, "bad stored Ed25519 public key");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = -1;
    if (md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1)
        rc = EVP_DigestVerify(md, sig, IMS_SIG_LEN, msg, len) == 1 ? 1 : 0;
    else
        roam_errf_ssl(err, errlen, "cannot set up Ed25519 verification");
    ERR_clear_error();   /* a failed verification queues an error: not ours to report */
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return rc;
}

int ims_sign_register(EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                      const ims_binding *b, size_t n, uint8_t sig[IMS_SIG_LEN],
                      char *err, size_t errlen)
{
    return sign_canonical(key, IMS_SIGN_LABEL, sizeof IMS_SIGN_LABEL, hoa, seq, b, n, sig,
                          err, errlen);
}

int ims_verify_register(const uint8_t pub[IMS_PUBKEY_LEN], const uint8_t hoa[IMS_ADDR_LEN],
                        uint64_t seq, const ims_binding *b, size_t n,
                        const uint8_t sig[IMS_SIG_LEN], char *err, size_t errlen)
{
    return verify_canonical(pub, IMS_SIGN_LABEL, sizeof IMS_SIGN_LABEL, hoa, seq, b, n, sig,
                            err, errlen);
}

int ims_sign_ack(EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                 const ims_binding *b, size_t n, uint8_t sig[IMS_SIG_LEN],
                 char *err, size_t errlen)
{
    return sign_canonical(key, IMS_ACK_LABEL, sizeof IMS_ACK_LABEL, hoa, seq, b, n, sig,
                          err, errlen);
}

int ims_verify_ack(const uint8_t pub[IMS_PUBKEY_LEN], const uint8_t hoa[IMS_ADDR_LEN],
                   uint64_t seq, const ims_binding *b, size_t n,
                   const uint8_t sig[IMS_SIG_LEN], char *err, size_t errlen)
{
    return verify_canonical(pub, IMS_ACK_LABEL, sizeof IMS_ACK_LABEL, hoa, seq, b, n, sig,
                            err, errlen);
}
