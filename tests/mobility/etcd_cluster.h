/* Test helper: an etcd cluster of 1..3 members on loopback, one process
 * per member (data, logs in dir), started, killed, stopped and continued by
 * the tests.  Ports: member i listens for clients on base + 2i and for
 * peers on base + 2i + 1. */
#ifndef ROAM_TESTS_MOBILITY_ETCD_CLUSTER_H
#define ROAM_TESTS_MOBILITY_ETCD_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EC_MAX 3

typedef struct etcd_cluster {
    /* Set before ec_start for https client URLs that demand a client
     * certificate (--client-cert-auth); peers stay http. */
    char ca[300], srv_cert[300], srv_key[300], cli_cert[300], cli_key[300];
    int n;
    int base;
    pid_t pid[EC_MAX];
    char dir[256];
    char url[EC_MAX][64];
    char endpoints[EC_MAX * 64];     /* every member, comma-separated */
} etcd_cluster;

/* Is the etcd binary there?  1 or 0. */
int ec_available(void);

/* Start n members under dir (keeping the TLS fields set in c), wait until
 * a write succeeds (at most 20 s). base 0: free ports found here (c->base
 * says which).  0 or -1. */
int ec_start(etcd_cluster *c, const char *dir, int n, int base);

/* Send sig to member i (SIGKILL: it is reaped and its pid cleared). */
void ec_signal(etcd_cluster *c, int i, int sig);

/* Start member i again (after SIGKILL) on its data and wait until it
 * answers (at most 20 s); 0 or -1. */
int ec_restart(etcd_cluster *c, int i);

/* The leader's index as the members report it (-1 if none answers). */
int ec_leader(etcd_cluster *c);

/* Every PUT under key range [key, end) (raw bytes) since revision 1, in
 * commit order: fn(key, keylen, value, valuelen, arg) per event.  Count, or
 * -1 (history compacted or no member answered). */
long ec_history(etcd_cluster *c, const char *key, const char *end,
                void (*fn)(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *arg),
                void *arg);

/* Compact the history up to the current revision.  0 or -1. */
int ec_compact(etcd_cluster *c);

/* Kill every member still running and reap it. */
void ec_stop(etcd_cluster *c);

#endif
