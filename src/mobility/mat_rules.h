/* MAT translation rules in the kernel, through libnftables.  Both ends of a
 * session translate, statelessly (notrack) with two nft maps, in roam's own
 * table:
 *   mobile node:    out  ip6 saddr HoA . output interface -> that
 *                        interface's MoA (map hoa2moa; in postrouting)
 *                   in   ip6 daddr any registered MoA -> HoA (map moa2hoa)
 *   correspondent:  out  ip6 daddr HoA -> active MoA      (map hoa2moa)
 *                   in   ip6 saddr any registered MoA -> HoA (map moa2hoa)
 * Output chains are `type route` so a rewritten packet is routed again;
 * they hook at priority raw, before conntrack.  The mobile node rewrites
 * its source in postrouting instead (see steering below), with its
 * packets kept out of conntrack in output.  Neighbour discovery and the
 * mobile node's bypass peers (the IMS) are never translated.  The kernel
 * fixes the L4 checksums (nft sets the pseudo-header checksum flag for
 * address rewrites).  Every change is one nftables transaction: one
 * buffer handed to nft_run_cmd_from_buffer.
 * The mobile node's source follows the route: with each NIC's MoA in the
 * map before a move, the switch itself is one route change, and the rule
 * update after it is off the critical path.
 * Replies follow the request even before that route change: a peer heard
 * on the standby NIC (the NIC a move switches to; set standby_if) goes
 * into the dynamic set via_standby, and packets to it get MAT_STEER_MARK,
 * which an ip rule sends through table MAT_STEER_TABLE (default route via
 * the standby NIC's router, kept by roam-mat).  Before a move nothing from
 * a global address arrives there; after it the peers that already use the
 * new address get answers through the new network from the kernel alone,
 * while the VM's user space (the agent) may not have run yet. */
#ifndef ROAM_MOBILITY_MAT_RULES_H
#define ROAM_MOBILITY_MAT_RULES_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"

#define MAT_MAX_PAIRS 1024
#define MAT_MAX_BYPASS 16
#define MAT_TABLE_MAX 32
#define MAT_STEER_MARK 0x726f616du      /* "roam" */
#define MAT_STEER_TABLE 82u
#define MAT_STEER_RULE_PRIO 82u
#define MAT_STEER_TIMEOUT_S 60          /* a learned peer is forgotten after this */
#define MAT_STEER_MAX 4096              /* learned peers at most */

typedef enum { MAT_MOBILE = 1, MAT_CORRESPONDENT = 2 } mat_role;

typedef struct mat_pair {
    uint8_t from[IMS_ADDR_LEN], to[IMS_ADDR_LEN];
    char dev[IF_NAMESIZE];                  /* mobile node's out map: the output NIC */
} mat_pair;

/* Mobile node: the MoA packets from the HoA get when they leave by dev. */
typedef struct mat_source {
    char dev[IF_NAMESIZE];
    uint8_t moa[IMS_ADDR_LEN];
} mat_source;

typedef struct mat_table {
    mat_role role;
    char name[MAT_TABLE_MAX];               /* nft table (family ip6) */
    size_t n_out, n_in, n_bypass;
    mat_pair out[MAT_MAX_PAIRS];            /* hoa2moa */
    mat_pair in[MAT_MAX_PAIRS];             /* moa2hoa */
    uint8_t bypass[MAT_MAX_BYPASS][IMS_ADDR_LEN];
    char standby_if[IF_NAMESIZE];           /* mobile node: "" = none */
} mat_table;

/* Empty table description; name must be [A-Za-z0-9_]{1,31}.  0 or -1. */
int mat_table_init(mat_table *t, mat_role role, const char *name, char *err, size_t errlen);

/* Fill the maps from a mapping: in gets every registered MoA -> hoa; a
 * correspondent's out gets hoa -> active MoA (if any).  Entries for this
 * hoa are replaced.  0, or -1 if the table is full. */
int mat_table_set(mat_table *t, const ims_mapping *m, char *err, size_t errlen);

/* Mobile node: replace hoa's out entries by the n per-interface sources.
 * Interface names must be plain ([A-Za-z0-9_.@-]).  0 or -1. */
int mat_table_set_sources(mat_table *t, const uint8_t hoa[IMS_ADDR_LEN], const mat_source *s,
                          size_t n, char *err, size_t errlen);

/* Mobile node: the NIC a move would switch to ("" or NULL: none).  Its
 * name must be plain, as for set_sources.  0 or -1. */
int mat_table_set_standby(mat_table *t, const char *dev, char *err, size_t errlen);

typedef struct mat_nft mat_nft;

mat_nft *mat_nft_open(char *err, size_t errlen);
void mat_nft_close(mat_nft *n);

/* Replace whatever table of that name exists by t, in one transaction
 * (start-up and recovery: a killed agent's leftovers go away atomically). */
int mat_rules_install(mat_nft *n, const mat_table *t, char *err, size_t errlen);

/* Replace the maps' and sets' contents (learned peers are forgotten), in
 * one transaction; falls back to install if the table vanished. */
int mat_rules_update(mat_nft *n, const mat_table *t, char *err, size_t errlen);

/* Delete the table if it exists.  0 or -1. */
int mat_rules_remove(mat_nft *n, const char *name, char *err, size_t errlen);

/* The nft script install (full=1) or update (full=0) would run, into a
 * malloc'ed string (for tests and `roam-mat --dry-run`).  NULL on error. */
char *mat_rules_render(const mat_table *t, int full);

#endif
