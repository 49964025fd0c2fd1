/* Checks on a peer's certificate chain (see peer_cert.h). */
#include "peer_cert.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

struct roam_peer_cert {
    X509 *leaf;
    STACK_OF(X509) *chain;   /* the intermediates, maybe empty */
};

static void to_hex(const unsigned char *md, unsigned n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

int roam_x509_fingerprint(X509 *leaf, char hex[ROAM_PEER_CERT_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!leaf || !X509_digest(leaf, EVP_sha256(), md, &n) || n != 32)
        return -1;
    to_hex(md, n, hex);
    return 0;
}

int roam_x509_spki(X509 *leaf, char hex[ROAM_PEER_CERT_HEX])
{
    unsigned char *der = NULL, md[32];
    int n = leaf ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(leaf), &der) : -1;
    int ok = n > 0 && EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(), NULL) == 1;
    OPENSSL_free(der);
    if (!ok)
        return -1;
    to_hex(md, sizeof md, hex);
    return 0;
}

int roam_x509_has_name(X509 *leaf, const char *name)
{
    if (!leaf || !name || !*name)
        return -1;
    unsigned char ip[16];
    if (inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1)
        return X509_check_ip_asc(leaf, name, 0) == 1 ? 0 : -1;
    /* A peer names its own host exactly: a wildcard would let one
     * certificate stand for every host under it. */
    return X509_check_host(leaf, name, 0, X509_CHECK_FLAG_NO_WILDCARDS, NULL) == 1 ? 0 : -1;
}

int roam_x509_chains_to(X509 *leaf, STACK_OF(X509) *chain, const char *ca_file, char *err,
                        size_t errlen)
{
    if (!leaf)
        return roam_errf(err, errlen, "the peer sent no certificate");
    ERR_clear_error();
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *x = X509_STORE_CTX_new();
    int rc = -1;
    if (!store || !x || X509_STORE_load_file(store, ca_file) != 1)
        roam_errf_ssl(err, errlen, "cannot load CA file %s", ca_file);
    else if (X509_STORE_CTX_init(x, store, leaf, chain) != 1)
        roam_errf_ssl(err, errlen, "cannot check the peer certificate");
    else if (X509_verify_cert(x) != 1)
        roam_errf(err, errlen, "not issued under %s: %s", ca_file,
                  X509_verify_cert_error_string(X509_STORE_CTX_get_error(x)));
    else
        rc = 0;
    X509_STORE_CTX_free(x);
    X509_STORE_free(store);
    ERR_clear_error();
    return rc;
}

/* One certificate's DER appended at out + *len; 0 or -1. */
static int append(X509 *c, uint8_t *out, size_t cap, size_t *len, char *err, size_t errlen)
{
    int n = i2d_X509(c, NULL);
    if (n <= 0)
        return roam_errf(err, errlen, "a peer certificate does not encode");
    if ((size_t)n > cap - *len)
        return roam_errf(err, errlen, "the peer's certificates exceed %zu bytes", cap);
    unsigned char *p = out + *len;
    if (i2d_X509(c, &p) != n)
        return roam_errf(err, errlen, "a peer certificate does not encode");
    *len += (size_t)n;
    return 0;
}

int roam_x509_chain_der(X509 *leaf, STACK_OF(X509) *chain, uint8_t *out, size_t cap,
                        size_t *len, char *err, size_t errlen)
{
    *len = 0;
    if (!leaf)
        return roam_errf(err, errlen, "the peer sent no certificate");
    if (append(leaf, out, cap, len, err, errlen) < 0)
        return -1;
    int count = 1;
    for (int i = 0; chain && i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        if (X509_cmp(c, leaf) == 0)
            continue;   /* a client's view of the chain starts with the leaf */
        if (++count > ROAM_PEER_CHAIN_CERTS)
            return roam_errf(err, errlen, "the peer sent over %d certificates",
                             ROAM_PEER_CHAIN_CERTS);
        if (append(c, out, cap, len, err, errlen) < 0)
            return -1;
    }
    return 0;
}

roam_peer_cert *roam_peer_cert_from_der(const uint8_t *der, size_t len, char *err,
                                        size_t errlen)
{
    if (len == 0 || len > ROAM_PEER_CHAIN_DER_MAX) {
        roam_errf(err, errlen, "a certificate chain of %zu bytes (1..%d)", len,
                  ROAM_PEER_CHAIN_DER_MAX);
        return NULL;
    }
    roam_peer_cert *p = calloc(1, sizeof *p);
    if (!p || !(p->chain = sk_X509_new_null())) {
        free(p);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    const unsigned char *at = der, *end = der + len;
    for (int count = 0; at < end; count++) {
        if (count == ROAM_PEER_CHAIN_CERTS) {
            roam_errf(err, errlen, "over %d certificates", ROAM_PEER_CHAIN_CERTS);
            goto fail;
        }
        X509 *c = d2i_X509(NULL, &at, end - at);
        if (!c) {
            roam_errf(err, errlen, "certificate %d does not parse", count + 1);
            goto fail;
        }
        if (count == 0)
            p->leaf = c;
        else if (!sk_X509_push(p->chain, c)) {
            X509_free(c);
            roam_errf(err, errlen, "out of memory");
            goto fail;
        }
    }
    ERR_clear_error();
    return p;
fail:
    ERR_clear_error();
    roam_peer_cert_free(p);
    return NULL;
}

void roam_peer_cert_free(roam_peer_cert *p)
{
    if (!p)
        return;
    X509_free(p->leaf);
    sk_X509_pop_free(p->chain, X509_free);
    free(p);
}

int roam_peer_cert_fingerprint(const roam_peer_cert *p, char hex[ROAM_PEER_CERT_HEX])
{
    return p ? roam_x509_fingerprint(p->leaf, hex) : -1;
}

int roam_peer_cert_spki(const roam_peer_cert *p, char hex[ROAM_PEER_CERT_HEX])
{
    return p ? roam_x509_spki(p->leaf, hex) : -1;
}

int roam_peer_cert_has_name(const roam_peer_cert *p, const char *name)
{
    return p ? roam_x509_has_name(p->leaf, name) : -1;
}

int roam_peer_cert_chains_to(const roam_peer_cert *p, const char *ca_file, char *err,
                             size_t errlen)
{
    if (!p)
        return roam_errf(err, errlen, "the peer sent no certificate");
    return roam_x509_chains_to(p->leaf, p->chain, ca_file, err, errlen);
}
