/* Shared vocabulary of roam's mobility code: limits and the in-memory form of
 * one HoA's mapping, used by the IMS store, the server, the client and the
 * agent alike (the protobuf structs stay at the wire edge, ims_msg.c). */
#ifndef ROAM_MOBILITY_IMS_TYPES_H
#define ROAM_MOBILITY_IMS_TYPES_H

#include <stddef.h>
#include <stdint.h>

#define IMS_ADDR_LEN 16           /* IPv6 address, raw */
#define IMS_MAX_BINDINGS 8        /* mobile addresses per HoA */
#define IMS_MAX_SUBSCRIBE 64      /* HoAs in one Subscribe */
#define IMS_SIG_LEN 64            /* Ed25519 signature */
#define IMS_PUBKEY_LEN 32         /* Ed25519 public key, raw */
#define IMS_FRAME_MAX 4096        /* every IMS message fits easily */
#define IMS_ERRMSG_MAX 512        /* Error.message */
#define IMS_DEFAULT_PORT "4780"
#define IMS_CHALLENGE_PORT 4781    /* UDP: where MoA challenges go (ims_token.h) */
#define IMS_PROTO_VERSION 1u

enum ims_state { IMS_STANDBY = 1, IMS_ACTIVE = 2 };

typedef struct ims_binding {
    uint8_t moa[IMS_ADDR_LEN];
    int state;                    /* enum ims_state */
} ims_binding;

typedef struct ims_mapping {
    uint8_t hoa[IMS_ADDR_LEN];
    uint64_t seq;
    int64_t updated_ms;           /* Unix ms of the last accepted update */
    size_t n;
    ims_binding b[IMS_MAX_BINDINGS];
} ims_mapping;

/* One change of the store seen by its change feed (ims_store_watch_take):
 * the HoA's new mapping, or known = 0 when it was revoked. */
typedef struct ims_change {
    ims_mapping m;
    int known;
} ims_change;

/* The active binding's index, or -1 if none. */
int ims_mapping_active(const ims_mapping *m);

/* Same bindings (addresses and states, in order); seq and times aside. */
int ims_mapping_same_bindings(const ims_mapping *x, const ims_mapping *y);

/* 0 if a is usable as a HoA or MoA: global unicast (not ::, ::1, link-local,
 * multicast, v4-mapped), else -1 with err filled. */
int ims_addr_check(const uint8_t a[IMS_ADDR_LEN], const char *what, char *err, size_t errlen);

/* Bindings rules: count <= IMS_MAX_BINDINGS, every address valid, states
 * known, no address twice, at most one active.  0 or -1 with err. */
int ims_bindings_check(const ims_binding *b, size_t n, char *err, size_t errlen);

/* Text form of an address into buf (>= 46 bytes). Returns buf. */
const char *ims_addr_str(const uint8_t a[IMS_ADDR_LEN], char *buf, size_t len);

/* Parse a textual IPv6 address. 0 or -1. */
int ims_addr_parse(const char *s, uint8_t out[IMS_ADDR_LEN]);

#endif
