/* TLS 1.3 channels for roam (OpenSSL 3): contexts for the daemon (server,
 * optionally demanding client certificates: mutual TLS between daemons) and
 * for clients (server verified against a CA bundle and an expected name or
 * IP), and connections with deadlines on every step.
 *
 * No state outside the objects returned, besides OpenSSL's own.  A process
 * using these must ignore SIGPIPE (OpenSSL writes with write(2), so a peer
 * that vanished would otherwise kill it). */
#ifndef ROAM_PROTO_TLS_H
#define ROAM_PROTO_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

#define ROAM_TLS_EXPORTER_LABEL "EXPORTER-roam-transcript"
#define ROAM_TLS_EXPORTER_LEN 32
#define ROAM_TLS_FINGERPRINT_HEX 65   /* SHA-256 as 64 hex digits + NUL */

typedef struct roam_tls_ctx roam_tls_ctx;
typedef struct roam_tls_conn roam_tls_conn;

/* Server context: certificate chain and key (PEM files).  client_ca_file
 * non-NULL demands a client certificate issued by one of those CAs (mutual
 * TLS); NULL asks for none.  NULL return with err filled on failure. */
roam_tls_ctx *roam_tls_server_ctx(const char *cert_file, const char *key_file,
                                  const char *client_ca_file, char *err, size_t errlen);

/* Client context: trust only the CAs in ca_file (never the system store).
 * cert_file/key_file, both or neither, present a client certificate. */
roam_tls_ctx *roam_tls_client_ctx(const char *ca_file, const char *cert_file,
                                  const char *key_file, char *err, size_t errlen);

void roam_tls_ctx_free(roam_tls_ctx *ctx);

/* Run the handshake on a connected socket within timeout_ms (< 0: none).
 * The connection takes ownership of fd in every case: on failure fd is
 * closed.  peer_name (connect only) is the DNS name or IP literal (no
 * brackets) the server certificate must carry. */
roam_tls_conn *roam_tls_accept(roam_tls_ctx *ctx, int fd, int timeout_ms,
                               char *err, size_t errlen);
roam_tls_conn *roam_tls_connect(roam_tls_ctx *ctx, int fd, const char *peer_name,
                                int timeout_ms, char *err, size_t errlen);

/* A server handshake driven by the caller's event loop, so that no thread
 * waits on a client that stalls mid-handshake.  accept_begin takes fd
 * (made non-blocking; closed on failure) and reads nothing yet; call
 * handshake_step whenever fd is ready (and once at first): 1 the handshake
 * is done (use the connection as roam_tls_accept's), 0 it waits for fd to
 * become readable (*want_write 0) or writable (1), -1 it failed (err
 * filled; roam_tls_abort it).  It has no deadline of its own. */
roam_tls_conn *roam_tls_accept_begin(roam_tls_ctx *ctx, int fd, char *err, size_t errlen);
int roam_tls_handshake_step(roam_tls_conn *c, int *want_write, char *err, size_t errlen);
/* The socket under the connection. */
int roam_tls_fd(const roam_tls_conn *c);
/* Free without close_notify (a handshake given up), close the fd.  NULL is
 * accepted. */
void roam_tls_abort(roam_tls_conn *c);

/* The connection as a stream for frame.h / msg.h.  Valid until close. */
roam_stream roam_tls_stream(roam_tls_conn *c);

/* 1 if bytes already read from the socket wait in the connection (a poll
 * on its fd would not report them), else 0. */
int roam_tls_pending(roam_tls_conn *c);

/* The RFC 8446 §7.5 exporter with label ROAM_TLS_EXPORTER_LABEL and no
 * context: both ends get the same 32 bytes, unique to this connection. */
int roam_tls_exporter(roam_tls_conn *c, uint8_t out[ROAM_TLS_EXPORTER_LEN],
                      char *err, size_t errlen);

/* The peer certificate's subject (RFC 2253 form) and SHA-256 fingerprint
 * (lowercase hex), for logs and the audit trail.  -1 if the peer sent none. */
int roam_tls_peer_subject(roam_tls_conn *c, char *buf, size_t len);
int roam_tls_peer_fingerprint(roam_tls_conn *c, char hex[ROAM_TLS_FINGERPRINT_HEX]);

/* 0 if the peer certificate names `name` (DNS name or IP literal): lets a
 * daemon check that a mutual-TLS client is the peer daemon it expects. */
int roam_tls_peer_has_name(roam_tls_conn *c, const char *name);

/* The SHA-256 of the peer certificate's SubjectPublicKeyInfo (lowercase
 * hex): a pin that survives re-issuing a certificate for the same key.
 * -1 if the peer sent none. */
int roam_tls_peer_spki(roam_tls_conn *c, char hex[ROAM_TLS_FINGERPRINT_HEX]);

/* 0 if the peer certificate chains (with the intermediates the peer sent)
 * to a CA in ca_file alone; -1 with err otherwise.  Lets a daemon hold one
 * provider's CA to that provider's hosts, whatever else it trusts. */
int roam_tls_peer_chains_to(roam_tls_conn *c, const char *ca_file, char *err, size_t errlen);

/* The peer's certificate and intermediates as DER (peer_cert.h), for a
 * process that checks them without holding the connection.  0, or -1. */
int roam_tls_peer_chain_der(roam_tls_conn *c, uint8_t *out, size_t cap, size_t *len,
                            char *err, size_t errlen);

/* Send close_notify (waiting at most timeout_ms), free, close the fd.  When
 * the peer's bytes wait unread, reads them (within the same timeout) until
 * the peer closes, so that no reset destroys what was sent last.  Returns 0 if close_notify went out, -1 otherwise; c is gone either way.
 * NULL is accepted. */
int roam_tls_close(roam_tls_conn *c, int timeout_ms);

/* roam_tls_close that always waits (within timeout_ms) for the peer to
 * close too, reading and dropping what it still sends: for a server that
 * refuses a request the peer may have pipelined more behind, whose bytes
 * arriving after our close would draw a reset that destroys our answer. */
int roam_tls_close_linger(roam_tls_conn *c, int timeout_ms);

#endif
