/* roam-mat's configuration file (INI, read with inih).  Every key and its
 * default are documented in docs/mobility.md; unknown keys are errors, so
 * a typo never silently falls back to a default. */
#ifndef ROAM_MOBILITY_MAT_CONFIG_H
#define ROAM_MOBILITY_MAT_CONFIG_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ims_types.h"
#include "mat_rules.h"
#include "sandbox.h"

#define MAT_MAX_IFACES 4
#define MAT_PATH_MAX 256
#define MAT_HOST_MAX 256
#define MAT_CFG_KEYS_MAX 32
#define MAT_IMS_FALLBACK_MAX 3

typedef struct mat_config {
    mat_role role;                                 /* [agent] mode */
    char table[MAT_TABLE_MAX];                     /* [agent] table */
    int log_level;                                 /* [agent] log_level */
    int nice;                                      /* [agent] nice */
    char ims_address[MAT_HOST_MAX];                /* [ims] address */
    char ims_port[16];                             /* [ims] port */
    char ims_server_name[MAT_HOST_MAX];            /* [ims] server_name */
    char ims_ca[MAT_PATH_MAX], ims_cert[MAT_PATH_MAX], ims_key[MAT_PATH_MAX];
    char ims_ack_pubkey[MAT_PATH_MAX];             /* [ims] ack_pubkey: registration datagrams */
    int connect_timeout_ms;                        /* [ims] connect_timeout_ms */
    int retry_max_ms;                              /* [ims] retry_max_ms */
    /* [ims] fallback: further IMS front-ends, tried in turn when the one in
     * use stops answering (address is the first) */
    size_t n_fallback;
    char ims_fallback[MAT_IMS_FALLBACK_MAX][MAT_HOST_MAX];
    int probe_ms;                                  /* [ims] probe_ms (correspondent) */
    /* [mobile] */
    uint8_t hoa[IMS_ADDR_LEN];
    int have_hoa;
    char hoa_device[IF_NAMESIZE];
    char key[MAT_PATH_MAX];
    size_t n_ifaces;
    char ifaces[MAT_MAX_IFACES][IF_NAMESIZE];
    size_t n_bypass;
    uint8_t bypass[MAT_MAX_BYPASS][IMS_ADDR_LEN];
    int handover;                                  /* offer the switch registration to the hosts */
    int threaded_napi;                             /* receive processing in NAPI threads */
    /* [correspondent] */
    size_t n_hoas;
    uint8_t hoas[IMS_MAX_SUBSCRIBE][IMS_ADDR_LEN];
    enum roam_sandbox_mode seccomp;                /* [agent] seccomp (default yes: 0) */
    int challenge_port;                            /* [ims] challenge_port (0: none) */
    int key_line[MAT_CFG_KEYS_MAX];                /* where each key was set (mat_config_line) */
} mat_config;

/* Defaults, then the file, then the checks for the chosen mode.  0 or -1. */
int mat_config_load(mat_config *c, const char *path, char *err, size_t errlen);

/* Same, reporting every problem to d (roam-mat --check). */
int mat_config_read(mat_config *c, const char *path, roam_diag *d);

/* Same as mat_config_load, from text; name (not NULL) stands for the file in
 * messages (tests, fuzzing). */
int mat_config_parse_string(mat_config *c, const char *text, const char *name, char *err,
                            size_t errlen);

/* The i-th IMS front-end: address, then the fallbacks (i modulo their
 * number). */
const char *mat_config_ims_host(const mat_config *c, size_t i);
size_t mat_config_ims_hosts(const mat_config *c);

/* The line where section/key was set, 0 if it kept its default. */
int mat_config_line(const mat_config *c, const char *section, const char *key);

#endif
