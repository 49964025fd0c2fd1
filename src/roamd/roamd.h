/* roamd, the support daemon of one VM server: its shared state and entry
 * points.  One thread accepts on two listeners (clients; peer daemons over
 * mutual TLS) and each connection runs in its own thread, up to
 * max_sessions at once.  Everything shared (admissions, rate limits, the
 * audit log, the libvirt connection, the RA cache) is thread-safe. */
#ifndef ROAMD_ROAMD_H
#define ROAMD_ROAMD_H

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "admission.h"
#include "audit.h"
#include "config.h"
#include "policy_cache.h"
#include "ra_cache.h"
#include "ratelimit.h"
#include "tls.h"

#define ROAMD_BUSY_VMS 64

struct roamd {
    struct roamd_config cfg;
    fabeo_mpk_t *mpk;
    roam_tls_ctx *client_tls;       /* server side, for users */
    roam_tls_ctx *peer_tls_server;  /* server side, demands a peer certificate */
    roam_tls_ctx *peer_tls_client;  /* our certificate, toward peer daemons */
    virConnectPtr virt;             /* use roamd_virt(): it reconnects */
    roamd_admissions *adm;
    roamd_ratelimit *rate;
    roamd_audit *audit;
    roamd_ra_cache *ra;             /* NULL if the uplink listener could not start */
    roamd_policy_cache *policies;
    int listen_fd, peer_fd;

    pthread_mutex_t lock;           /* guards the fields below */
    pthread_cond_t idle;
    int sessions;
    char busy[ROAMD_BUSY_VMS][256]; /* VMs with a migration in flight here */
};

/* Load keys, certificates, open libvirt, the audit log and the listeners.
 * 0, or -1 with err naming what failed (and the config key). */
int roamd_init(struct roamd *d, const struct roamd_config *cfg, char *err, size_t errlen);

/* Accept connections until *stop becomes non-zero, then wait for running
 * sessions to end. */
void roamd_run(struct roamd *d, volatile sig_atomic_t *stop);

void roamd_fini(struct roamd *d);

/* The libvirt connection, reopened if libvirtd went away meanwhile, with a
 * reference for the caller (virConnectClose it when done).  NULL with err. */
virConnectPtr roamd_virt(struct roamd *d, char *err, size_t errlen);

/* The ports actually bound (port "0" in the config picks free ones). */
int roamd_client_port(const struct roamd *d);
int roamd_peer_port(const struct roamd *d);

/* Connection handlers (own fd; run in a session thread). */
void roamd_handle_client(struct roamd *d, int fd, const char *peer_addr);
void roamd_handle_peer(struct roamd *d, int fd, const char *peer_addr);

/* 1 if host[:port] names this daemon (config `name`; IPv6 literals compare
 * by value, names case-insensitively). */
int roamd_is_me(const struct roamd *d, const char *hostport);

/* Prepare dom's migrate policy (today's) in the policy cache, so that its
 * first challenge does not pay for hashing and tables: done at start-up
 * for the VMs present, and when a VM arrives. */
void roamd_prewarm_policy(struct roamd *d, virDomainPtr dom);

/* Mark vm as migrating (0), or -1 if it already is / the set is full. */
int roamd_vm_lock(struct roamd *d, const char *vm);
void roamd_vm_unlock(struct roamd *d, const char *vm);

/* One line on stderr, timestamped. */
void roamd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
