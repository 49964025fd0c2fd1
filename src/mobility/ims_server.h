/* roam-ims, the mobility mapping server: one epoll loop serving registered
 * mobile nodes (signed, sequence-numbered Register) and correspondents
 * (Query, Subscribe with pushed updates) over TLS 1.3.  TLS handshakes run
 * on short-lived threads (bounded in number and time) so a slow client can
 * never stall the loop; everything after the handshake is non-blocking.
 * Connections are admitted as conn_limit.h says (handshakes apart from
 * established connections, a cap per source), and idle ones that hold no
 * subscription are closed. */
#ifndef ROAM_MOBILITY_IMS_SERVER_H
#define ROAM_MOBILITY_IMS_SERVER_H

#include <stddef.h>

#include "conn_limit.h"
#include "ims_store.h"

typedef struct ims_server_config {
    const char *listen;            /* address; NULL or "" = every address */
    const char *port;              /* "0" = any free port (tests) */
    const char *cert, *key;        /* server certificate chain and key (PEM) */
    const char *client_ca;         /* non-NULL: demand client certificates */
    const char *ack_key;           /* non-NULL: Ed25519 key (PEM) signing datagram acks;
                                    * registration datagrams are served on UDP, same
                                    * address and port number as TCP */
    int max_connections;           /* established (past the handshake) */
    struct roam_startups max_startups; /* handshakes under way (start:rate:full) */
    int max_per_source;            /* connections from one IPv4 address or IPv6 /64 */
    int max_subscriptions;         /* HoAs per connection */
    int handshake_timeout_ms;
    int idle_timeout_ms;           /* a connection without subscriptions and without
                                    * a request for this long is closed (0: never) */
    size_t output_buffer;          /* bytes queued per connection before it is dropped */
    int open_queries;              /* Query and Subscribe also without a client
                                    * certificate (client_ca NULL): a lab's setting */
    const char *moa_secret;        /* non-NULL: file of the shared secret of MoA tokens
                                    * (ims_token.h); a new MoA is stored only with its
                                    * token.  Needs ack_key (the UDP socket) */
    int moa_token_epoch_s;         /* a token is good for one to two of these */
    int challenge_port;            /* where a challenge goes when the registration did
                                    * not come from the MoA itself */
    const char *attestors;         /* non-NULL (with moa_secret): file of the hosts whose
                                    * attestations also prove a MoA (ims_attest.h) */
} ims_server_config;

/* Defaults documented in docs/mobility.md. */
void ims_server_config_defaults(ims_server_config *cfg);

typedef struct ims_server ims_server;

/* Listen and get ready.  store stays the caller's and must outlive it. */
ims_server *ims_server_new(const ims_server_config *cfg, ims_store *store,
                           char *err, size_t errlen);

/* The bound TCP port (and UDP port, with ack_key). */
int ims_server_port(const ims_server *s);

/* Serve until ims_server_stop.  0, or -1 on a fatal error (err filled). */
int ims_server_run(ims_server *s, char *err, size_t errlen);

/* Ask run() to return; async-signal-safe and thread-safe. */
void ims_server_stop(ims_server *s);

/* Close everything (waits for handshake threads to finish). */
void ims_server_free(ims_server *s);

#endif
