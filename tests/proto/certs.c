/* Test PKI generation (see certs.h). */
#include "certs.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (!ext)
        return -1;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* A certificate for key named cn, valid from an hour ago for a day. */
static X509 *new_cert(EVP_PKEY *key, const char *cn, long serial)
{
    X509 *c = X509_new();
    if (!c)
        return NULL;
    X509_NAME *name = X509_get_subject_name(c);
    if (!X509_set_version(c, 2) ||
        !ASN1_INTEGER_set(X509_get_serialNumber(c), serial) ||
        !X509_gmtime_adj(X509_getm_notBefore(c), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(c), 86400) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                                    -1, -1, 0) ||
        !X509_set_pubkey(c, key)) {
        X509_free(c);
        return NULL;
    }
    return c;
}

static int write_pem(const char *path, X509 *cert, EVP_PKEY *key)
{
    /* Private keys 0600, as the code that loads them demands. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, cert ? 0644 : 0600);
    FILE *f = fd >= 0 && fchmod(fd, cert ? 0644 : 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int ok = cert ? PEM_write_X509(f, cert) : PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    return fclose(f) == 0 && ok ? 0 : -1;
}

int certs_make_ca(struct test_ca *ca, const char *cn, const char *ca_path)
{
    ca->cert = NULL;
    ca->key = EVP_EC_gen("P-256");
    if (!ca->key)
        return -1;
    ca->cert = new_cert(ca->key, cn, 1);
    if (!ca->cert ||
        !X509_set_issuer_name(ca->cert, X509_get_subject_name(ca->cert)) ||
        add_ext(ca->cert, ca->cert, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
        add_ext(ca->cert, ca->cert, NID_key_usage, "critical,keyCertSign,cRLSign") < 0 ||
        add_ext(ca->cert, ca->cert, NID_subject_key_identifier, "hash") < 0 ||
        !X509_sign(ca->cert, ca->key, EVP_sha256()) ||
        write_pem(ca_path, ca->cert, NULL) < 0) {
        certs_free_ca(ca);
        return -1;
    }
    return 0;
}

int certs_make_leaf(const struct test_ca *ca, const char *cn, const char *san,
                    const char *cert_path, const char *key_path)
{
    static long serial = 100;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key)
        return -1;
    X509 *c = new_cert(key, cn, ++serial);
    int rc = -1;
    if (c &&
        X509_set_issuer_name(c, X509_get_subject_name(ca->cert)) &&
        add_ext(c, ca->cert, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
        add_ext(c, ca->cert, NID_subject_alt_name, san) == 0 &&
        add_ext(c, ca->cert, NID_ext_key_usage, "serverAuth,clientAuth") == 0 &&
        X509_sign(c, ca->key, EVP_sha256()) &&
        write_pem(cert_path, c, NULL) == 0 &&
        write_pem(key_path, NULL, key) == 0)
        rc = 0;
    X509_free(c);
    EVP_PKEY_free(key);
    return rc;
}

void certs_free_ca(struct test_ca *ca)
{
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key);
    ca->cert = NULL;
    ca->key = NULL;
}
