/* Test fixture shared by the IMS tests: a temporary directory with a test
 * PKI (server certificate for ::1 and 127.0.0.1), Ed25519 key pairs, and an
 * IMS server running on a thread on a loopback port, on a SQLite file or,
 * with etcd set, on an etcd cluster (under a key prefix of its own). */
#ifndef ROAM_TESTS_MOBILITY_IMS_FIXTURE_H
#define ROAM_TESTS_MOBILITY_IMS_FIXTURE_H

#include <pthread.h>

#include "etcd_cluster.h"
#include "ims_client.h"
#include "ims_server.h"
#include "ims_store.h"

typedef struct fixture {
    char dir[256];
    char ca[300], cert[300], key[300], db[300];
    char port[16];
    char ack_key[300];          /* non-empty: the server takes registration datagrams */
    int idle_timeout_ms;        /* non-zero: the server's (else its default) */
    int max_per_source;         /* likewise */
    int closed_queries;         /* non-zero: the server's default, Query and Subscribe
                                 * only with a client certificate (else open) */
    char moa_secret[300];       /* non-empty: new MoAs need their token */
    int challenge_port;         /* non-zero: the server's (else its default) */
    char etcd[256];             /* non-empty: etcd endpoints, the store's backend */
    char attestors[300];        /* non-empty: hosts whose attestations prove MoAs */
    char etcd_ca[300], etcd_cert[300], etcd_key[300];   /* its TLS, if set */
    char prefix[64];            /* the etcd key prefix (set by fx_init) */
    roam_tls_ctx *client_tls;
    ims_store *store;
    ims_server *server;
    pthread_t thread;
    int running;
} fixture;

/* Temp dir, PKI and client TLS context.  0 or -1. */
int fx_init(fixture *fx);

/* Path of a file in the fixture's directory (static buffer per call site). */
void fx_path(const fixture *fx, const char *name, char *out, size_t len);

/* Open the fixture's store (SQLite file db, or etcd).  NULL with err. */
ims_store *fx_open_store(const fixture *fx, char *err, size_t errlen);

/* Open the store and run a server on a thread.  0 or -1. */
int fx_start(fixture *fx, int max_connections);
void fx_stop(fixture *fx);

/* Connected client, or NULL. */
ims_client *fx_client(fixture *fx);

/* A one-member etcd cluster on port (0: free ports found at start; https,
 * client certificates made in the fixture's directory), set as the fixture's store; *bare_refused
 * says whether the member refused a client without a certificate, as it
 * must.  0 or -1 (ec stopped then). */
int fx_etcd_start(fixture *fx, etcd_cluster *ec, int port, int *bare_refused);

/* Stop, remove the directory. */
void fx_done(fixture *fx);

#endif
