/* Ed25519 credentials and registration signatures (see ims_sign.h). */
#include "ims_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "ed25519.h"
#include "errbuf.h"

_Static_assert(sizeof IMS_ACK_LABEL <= sizeof IMS_SIGN_LABEL, "IMS_SIGNED_MAX covers both labels");
_Static_assert(IMS_SIG_LEN == ROAM_ED25519_SIG_LEN && IMS_PUBKEY_LEN == ROAM_ED25519_PUB_LEN,
               "one Ed25519");

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

EVP_PKEY *ims_key_load_private(const char *path, char *err, size_t errlen)
{
    return roam_ed25519_load_private(path, 0, err, errlen);
}

int ims_key_raw_public(EVP_PKEY *key, uint8_t pub[IMS_PUBKEY_LEN])
{
    return roam_ed25519_raw_public(key, pub);
}

int ims_key_load_public(const char *path, uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    return roam_ed25519_load_public(path, pub, err, errlen);
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
    return roam_ed25519_sign(key, msg, len, sig, err, errlen);
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
    return roam_ed25519_verify(pub, msg, len, sig, err, errlen);
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
