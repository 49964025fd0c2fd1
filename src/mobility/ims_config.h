/* roam-ims's configuration file (INI, inih): [ims] server settings, [store]
 * (SQLite or an etcd cluster) and [enroll] LABEL = HOA PUBKEY-FILE lines, which are (re-)enrolled at every
 * start.  Keys and defaults: docs/mobility.md.  Unknown keys are errors. */
#ifndef ROAM_MOBILITY_IMS_CONFIG_H
#define ROAM_MOBILITY_IMS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ims_etcd_http.h"
#include "ims_server.h"
#include "ims_types.h"
#include "sandbox.h"

#define IMS_CFG_PATH_MAX 256
#define IMS_CFG_ENROLL_MAX 1024
#define IMS_CFG_KEYS_MAX 32

typedef struct ims_enroll_entry {
    uint8_t hoa[IMS_ADDR_LEN];
    char pubkey[IMS_CFG_PATH_MAX];
    int line;                          /* where the file sets it */
} ims_enroll_entry;

typedef struct ims_config {
    ims_server_config server;          /* strings point into the fields below */
    char listen[64], port[16];
    char cert[IMS_CFG_PATH_MAX], key[IMS_CFG_PATH_MAX], client_ca[IMS_CFG_PATH_MAX];
    char ack_key[IMS_CFG_PATH_MAX];    /* [ims] ack_key: enables registration datagrams */
    char database[IMS_CFG_PATH_MAX];
    int log_level;
    size_t n_enroll;
    ims_enroll_entry *enroll;          /* malloc'ed, enroll_cap entries (at most */
    size_t enroll_cap;                 /* IMS_CFG_ENROLL_MAX), NULL while none */
    /* [store] */
    int etcd;                          /* backend = etcd (else sqlite) */
    char endpoints[ETCD_ENDPOINTS_MAX * (ETCD_URL_MAX + 1)];
    char etcd_ca[IMS_CFG_PATH_MAX], etcd_cert[IMS_CFG_PATH_MAX], etcd_key[IMS_CFG_PATH_MAX];
    char etcd_prefix[IMS_CFG_PATH_MAX];
    int etcd_timeout_ms;
    ims_etcd_config etcd_cfg;          /* strings point into the fields above */
    enum roam_sandbox_mode seccomp;    /* [ims] seccomp (default yes: 0) */
    char moa_secret[IMS_CFG_PATH_MAX]; /* [ims] moa_secret: MoAs must be proven */
    char attestors[IMS_CFG_PATH_MAX];  /* [ims] attestors: hosts that may attest MoAs */
    int key_line[IMS_CFG_KEYS_MAX];    /* where each key was set (ims_config_line) */
    int line_now;                      /* while reading */
} ims_config;

/* Defaults, then path (NULL: defaults only).  0 or -1.  Free with
 * ims_config_free even on failure. */
int ims_config_load(ims_config *c, const char *path, char *err, size_t errlen);
void ims_config_free(ims_config *c);

/* Same, reporting every problem to d (roam-ims --check); path not NULL. */
int ims_config_read(ims_config *c, const char *path, roam_diag *d);

/* Same as ims_config_load, from text; name (not NULL) stands for the file in
 * messages (tests, fuzzing). */
int ims_config_parse_string(ims_config *c, const char *text, const char *name, char *err,
                            size_t errlen);

/* The line where key of [ims] was set, 0 if it kept its default. */
int ims_config_line(const ims_config *c, const char *key);

/* The same for a key of [store]. */
int ims_config_store_line(const ims_config *c, const char *key);

/* Open the store the configuration names (database, for SQLite, unless
 * db is given).  NULL with err. */
ims_store *ims_config_open_store(const ims_config *c, const char *db, int create, char *err,
                                 size_t errlen);

#endif
