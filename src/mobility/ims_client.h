/* Client side of the IMS protocol, for roam-mat and `roam-ims query`: a TLS
 * connection with non-blocking framed I/O (so an agent's poll loop can wait
 * on it next to netlink), plus blocking helpers for one-shot requests. */
#ifndef ROAM_MOBILITY_IMS_CLIENT_H
#define ROAM_MOBILITY_IMS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ims_msg.h"
#include "tls.h"

typedef struct ims_client ims_client;

/* Connect to host:port (host: name or IP literal), verify the server
 * certificate names server_name (NULL: host).  source, if non-NULL, is the
 * local IPv6 address to bind (a mobile node talks from a chosen MoA), and
 * device, if non-NULL, the interface the connection must use: a socket
 * caches its route, so a connection opened from the standby address while
 * the primary link was up would otherwise keep leaving through the primary
 * NIC after that link died. */
ims_client *ims_client_connect(roam_tls_ctx *ctx, const char *host, const char *port,
                               const char *server_name, const char *source,
                               const char *device, int timeout_ms, char *err, size_t errlen);
void ims_client_close(ims_client *c);

/* The socket, for poll(2). */
int ims_client_fd(const ims_client *c);

/* 1 if queued output waits for POLLOUT. */
int ims_client_want_write(const ims_client *c);

/* Queue m (id assigned here and returned through *id if non-NULL) and try to
 * send it now.  0 or -1. */
int ims_client_send(ims_client *c, ims_message *m, uint64_t *id, char *err, size_t errlen);

/* Send queued output without waiting. 0 or -1. */
int ims_client_flush(ims_client *c, char *err, size_t errlen);

/* Next received message within timeout_ms (0: only what is already there,
 * < 0: no limit).  1 with *out set (ims_msg_free it), 0 if none arrived in
 * time, -1 on error or close (err filled). */
int ims_client_recv(ims_client *c, ims_message **out, int timeout_ms, char *err, size_t errlen);

/* A socket of type SOCK_STREAM or SOCK_DGRAM (non-blocking), bound to the
 * IPv6 literal source and, if non-NULL, to device, connected to host (IPv6
 * literal) and numeric port; a stream connect waits up to timeout_ms.  The
 * fd, or -1. */
int ims_socket_from(int type, const char *source, const char *device, const char *host,
                    const char *port, int timeout_ms, char *err, size_t errlen);

/* A signed Register in *m, viewing v, sig and the arguments (keep them
 * alive while m is used).  0 or -1. */
int ims_register_build(ims_message *m, ims_pb_register *v, uint8_t sig[IMS_SIG_LEN],
                       EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                       const ims_binding *b, size_t n, char *err, size_t errlen);

/* Build and queue requests. */
int ims_client_register(ims_client *c, EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN],
                        uint64_t seq, const ims_binding *b, size_t n, uint64_t *id,
                        char *err, size_t errlen);
int ims_client_query(ims_client *c, const uint8_t hoa[IMS_ADDR_LEN], uint64_t *id,
                     char *err, size_t errlen);
int ims_client_subscribe(ims_client *c, const uint8_t (*hoas)[IMS_ADDR_LEN], size_t n,
                         uint64_t *id, char *err, size_t errlen);

/* Wait for the answer with this id (Ack, Mapping or Error), giving any push
 * (id 0) that arrives meanwhile to on_push (may be NULL).  1 with *out set,
 * 0 on timeout, -1 on error. */
int ims_client_wait(ims_client *c, uint64_t id, ims_message **out, int timeout_ms,
                    void (*on_push)(const ims_message *m, void *arg), void *arg,
                    char *err, size_t errlen);

#endif
