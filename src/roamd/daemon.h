/* roamd, the support daemon of one VM server: the state its connection
 * handlers share (configuration, keys, TLS contexts, the two listeners) and
 * the services over it: the libvirt connection, the set of VMs migrating
 * here, which host names this daemon, policies prepared ahead, the log.
 * Every handler runs in its own thread (server.h), so everything shared
 * (admissions, rate limits, the audit log, the libvirt connection, the RA
 * cache) is thread-safe. */
#ifndef ROAMD_DAEMON_H
#define ROAMD_DAEMON_H

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "admission.h"
#include "audit.h"
#include "handover_send.h"
#include "log.h"
#include "policy_cache.h"
#include "ra_cache.h"
#include "peer_pins.h"
#include "ratelimit.h"
#include "roamd_config.h"

#define ROAMD_BUSY_VMS 64

struct roamd {
    struct roamd_config cfg;
    abe_mpk_t *mpk;
    struct roamd_net *net;          /* the network process (net_monitor.h) */
    virConnectPtr virt;             /* use roamd_virt(): it reconnects */
    roamd_admissions *adm;
    roamd_ratelimit *rate;
    roamd_audit *audit;
    roamd_ra_cache *ra;             /* NULL if the uplink listener could not start */
    roamd_policy_cache *policies;
    int listen_fd, peer_fd;         /* until the network process takes them */
    int client_port, peer_port;     /* where they listen */

    pthread_mutex_t lock;           /* guards the fields below */
    pthread_cond_t idle;            /* signalled when a session ends */
    int sessions;                   /* connection threads running (server.c) */
    char busy[ROAMD_BUSY_VMS][256]; /* VMs with a migration in flight here */
    int hook_fd;                    /* [hook] socket, or -1 (hook_server.h) */
    struct roamd_reconciler *reconciler;  /* pending in-flight records (reconcile.h) */
    roamd_peer_pins *pins;          /* peer_pins, or NULL */
    struct roamd_attester attest;   /* [mobility] attest_key (key NULL: none) */
};

/* Load keys, certificates, open libvirt, the audit log and the listeners.
 * 0, or -1 with err naming what failed (and the config key). */
int roamd_init(struct roamd *d, const struct roamd_config *cfg, char *err, size_t errlen);

void roamd_fini(struct roamd *d);

/* Apply cfg's [roamd] seccomp mode (sandbox.h) to the whole process: called
 * once the files are read, the sockets bound and the threads started
 * (roamd_init, the reconciler).  Serving then needs nothing the filter
 * forbids.  0, or -1 with err (the caller stops). */
int roamd_sandbox_apply(const struct roamd_config *cfg, char *err, size_t errlen);

/* The master public key file at path, decoded into *out (malloc'd; free
 * it).  0, or -1 with err naming the file (missing, not an MPK, bad). */
int roamd_load_mpk(const char *path, abe_mpk_t **out, char *err, size_t errlen);

/* The libvirt connection, reopened if libvirtd went away meanwhile, with a
 * reference for the caller (virConnectClose it when done).  NULL with err. */
virConnectPtr roamd_virt(struct roamd *d, char *err, size_t errlen);

/* The ports actually bound (port "0" in the config picks free ones). */
int roamd_client_port(const struct roamd *d);
int roamd_peer_port(const struct roamd *d);

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

/* Run fn(arg) on a detached thread counted in d->sessions, which roamd_run
 * waits to reach 0 before it returns; fn must call roamd_session_end(d)
 * last.  0, or -1 when no thread could be started (nothing counted). */
int roamd_session_spawn(struct roamd *d, void *(*fn)(void *), void *arg);
void roamd_session_end(struct roamd *d);

#endif
