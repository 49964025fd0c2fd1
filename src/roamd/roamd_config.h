/* roamd's configuration file (INI, parsed with inih; docs/roamd.md lists
 * every key with its default).  A bad file is refused as a whole, with a
 * message naming the file, the line and the key. */
#ifndef ROAMD_CONFIG_H
#define ROAMD_CONFIG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "conn_limit.h"
#include "diag.h"
#include "hostport.h"
#include "sandbox.h"
#include "virt_migrate.h"

#define ROAMD_PATH_MAX 1024
#define ROAMD_HOST_MAX 256
#define ROAMD_POLICY_MAX 4096
#define ROAMD_CONFIG_KEYS_MAX 64

struct roamd_config {
    /* [roamd] */
    char listen_host[ROAMD_HOST_MAX], listen_port[8];         /* listen = [::]:7443 */
    char peer_listen_host[ROAMD_HOST_MAX], peer_listen_port[8]; /* peer_listen = [::]:7444 */
    char name[ROAMD_HOST_MAX];        /* this host as users and peers name it */
    int peer_port;                    /* where other roamds take peer connections */
    char cert[ROAMD_PATH_MAX], key[ROAMD_PATH_MAX];
    char peer_cert[ROAMD_PATH_MAX], peer_key[ROAMD_PATH_MAX];
    char peer_ca[ROAMD_PATH_MAX];
    char mpk[ROAMD_PATH_MAX];
    char accept_policy[ROAMD_POLICY_MAX];
    char libvirt_uri[ROAMD_PATH_MAX];
    char migrate_uri[ROAMD_PATH_MAX];   /* template with {host} */
    char bridge[32], uplink[32];
    char metadata_ns[ROAMD_PATH_MAX];
    char audit_log[ROAMD_PATH_MAX];
    char storage_pool[ROAMD_HOST_MAX];   /* [storage] pool: libvirt pool for VM disks */
    /* The provider's router on the uplink: only its RAs are served to VMs
     * (with uplink = bridge any VM could otherwise play the router). */
    int have_router, have_router_mac;
    struct in6_addr router;           /* router = fe80::1 (link-local) */
    uint8_t router_mac[6];            /* router_mac = 52:54:00:aa:00:01 */
    /* [limits] */
    int max_sessions;                 /* the default of the two below */
    int max_client_sessions;          /* 0 until parsed: follows max_sessions */
    int max_peer_sessions;            /* likewise */
    struct roam_startups max_startups; /* handshakes under way, per listener */
    int max_per_source;               /* connections from one IPv4 address or IPv6 /64 */
    int handshake_timeout_ms;
    int challenges_per_minute;
    int admission_lifetime_s;
    int admission_wait_ms;
    int io_timeout_ms;
    int ra_timeout_ms;
    int ra_max_age_s;
    int switchover_timeout_s;
    int confirm_timeout_ms;
    int link_down_delay_ms;
    int migration_timeout_s;
    /* [mobility] */
    int handover;                     /* send the VM's signed registration at its RARP */
    int switch_at_pause;              /* switch_at = pause: the source asks for the
                                       * handover when libvirt pauses the VM */
    unsigned char ims_addr[16];       /* ims = [IPV6]:PORT: the only IMS handovers go to */
    int ims_port;                     /* 0: none configured, every handover refused */
    /* [hook]: libvirt's qemu hook asks here before a migration comes in */
    char hook_socket[ROAMD_PATH_MAX];     /* "" = no hook socket */
    char hook_boot_dirs[ROAMD_PATH_MAX];  /* ':'-separated: kernels, initrds, firmware */
    char hook_vm_dirs[ROAMD_PATH_MAX];    /* ':'-separated: libvirt's per-VM files */
    /* [migration] */
    int migration_tls;                /* tls = yes: QEMU TLS on the data streams, never clear */
    int max_waiting;                  /* [limits]: connections before their first TLS record */
    /* [storage] */
    int max_disk_gib;                 /* largest incoming disk (virtual size) */
    int remove_source;                /* delete the source's image after a migration */
    int storage_shared;               /* peers see this host's images at the same paths */
    /* [roamd] state_dir: in-flight migration records (inflight.h); "" = the
     * audit log's directory */
    char state_dir[ROAMD_PATH_MAX];
    char peer_pins[ROAMD_PATH_MAX];   /* "" = none: any peer_ca CA vouches for any host */
    char storage_base_dir[ROAMD_PATH_MAX];  /* base images disks may be overlays on; "" none */
    /* [roamd] disclose_policy: who may learn, before proving the migrate
     * policy, whether a VM is here and its policy (docs/protocol.md §4);
     * "" = accept_policy */
    char disclose_policy[ROAMD_POLICY_MAX];
    /* [migration] parallel, compression, auto_converge, postcopy */
    struct roam_migrate_tuning migration_tune;
    /* [roamd] seccomp: the filter applied once started (default yes: 0) */
    enum roam_sandbox_mode seccomp;
    /* [mobility] attest_key: Ed25519 private key (PEM) this host attests
     * handovers' mobile addresses with; "" = none */
    char attest_key[ROAMD_PATH_MAX];
    /* The line each key of the file was set on (roamd_config_line). */
    int key_line[ROAMD_CONFIG_KEYS_MAX];
};

/* Fill c with every default.  (Required keys stay empty.) */
void roamd_config_defaults(struct roamd_config *c);

/* Parse path over the defaults and check the result.  0, or -1 with err
 * like "roamd.conf:7: key 'max_sessions': not an integer in 1..1024". */
int roamd_config_load(struct roamd_config *c, const char *path, char *err, size_t errlen);

/* Same, reporting every problem to d (roamd --check).  0 or -1. */
int roamd_config_read(struct roamd_config *c, const char *path, roam_diag *d);

/* The line of the file read where section/key was set, 0 if it kept its
 * default. */
int roamd_config_line(const struct roamd_config *c, const char *section, const char *key);

/* Same as roamd_config_load, from text (tests); `name` stands for the file in messages. */
int roamd_config_parse_string(struct roamd_config *c, const char *text, const char *name,
                              char *err, size_t errlen);

/* 0, or -1 with err when uplink is the VM bridge and the router is not
 * pinned (neither router nor router_mac): roamd refuses to start then. */
int roamd_config_router_check(const struct roamd_config *c, char *err, size_t errlen);

/* migrate_uri with {host} replaced by host (bracketed if it is an IPv6
 * literal).  0 or -1 if it does not fit. */
int roamd_migrate_uri(const struct roamd_config *c, const char *host, char *out, size_t cap);

#endif
