/* Test PKI made at test time with OpenSSL's API: a CA and leaf certificates
 * (EC P-256) written as PEM files into a temporary directory, so no key
 * material is committed and no `openssl` binary is needed. */
#ifndef ROAM_TESTS_PROTO_CERTS_H
#define ROAM_TESTS_PROTO_CERTS_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct test_ca {
    EVP_PKEY *key;
    X509 *cert;
};

/* Self-signed CA named cn; its certificate is written to ca_path. 0 or -1. */
int certs_make_ca(struct test_ca *ca, const char *cn, const char *ca_path);

/* Leaf certificate for cn, subjectAltName san (e.g. "DNS:a.test,IP:127.0.0.1"),
 * signed by ca; writes cert_path and key_path.  0 or -1. */
int certs_make_leaf(const struct test_ca *ca, const char *cn, const char *san,
                    const char *cert_path, const char *key_path);

void certs_free_ca(struct test_ca *ca);

#endif
