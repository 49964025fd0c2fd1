/* A peer's certificate and the intermediates it sent, as facts a daemon
 * checks: its fingerprint, its key's pin, the names it carries, the CA it
 * chains to.  The same checks work on a live TLS connection (tls.c) and on
 * the chain roamd's network process hands its privileged side as DER
 * (docs/design.md §5.5): the side that never touches the network still
 * decides which peer it is talking to. */
#ifndef ROAM_PROTO_PEER_CERT_H
#define ROAM_PROTO_PEER_CERT_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#define ROAM_PEER_CERT_HEX 65          /* SHA-256 as 64 hex digits + NUL */
#define ROAM_PEER_CHAIN_CERTS 8        /* leaf + intermediates, at most */
#define ROAM_PEER_CHAIN_DER_MAX 32768  /* their DER, together */

typedef struct roam_peer_cert roam_peer_cert;

/* The checks on a certificate (leaf) and the untrusted intermediates sent
 * with it (chain may be NULL).  0 or -1 (err where there is one). */
int roam_x509_fingerprint(X509 *leaf, char hex[ROAM_PEER_CERT_HEX]);
int roam_x509_spki(X509 *leaf, char hex[ROAM_PEER_CERT_HEX]);
int roam_x509_has_name(X509 *leaf, const char *name);
int roam_x509_chains_to(X509 *leaf, STACK_OF(X509) *chain, const char *ca_file, char *err,
                        size_t errlen);

/* Leaf then intermediates, each DER, back to back: at most
 * ROAM_PEER_CHAIN_CERTS certificates in cap bytes.  *len set; 0 or -1. */
int roam_x509_chain_der(X509 *leaf, STACK_OF(X509) *chain, uint8_t *out, size_t cap,
                        size_t *len, char *err, size_t errlen);

/* Parse what roam_x509_chain_der wrote: every byte must belong to one of
 * at most ROAM_PEER_CHAIN_CERTS certificates.  NULL with err. */
roam_peer_cert *roam_peer_cert_from_der(const uint8_t *der, size_t len, char *err,
                                        size_t errlen);
void roam_peer_cert_free(roam_peer_cert *p);

/* The checks above on a parsed chain. */
int roam_peer_cert_fingerprint(const roam_peer_cert *p, char hex[ROAM_PEER_CERT_HEX]);
int roam_peer_cert_spki(const roam_peer_cert *p, char hex[ROAM_PEER_CERT_HEX]);
int roam_peer_cert_has_name(const roam_peer_cert *p, const char *name);
int roam_peer_cert_chains_to(const roam_peer_cert *p, const char *ca_file, char *err,
                             size_t errlen);

#endif
