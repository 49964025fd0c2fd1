/* What roam-ims's two processes say to each other (docs/mobility.md,
 * "roam-ims's two processes"): the network process asks the store process
 * for the few store operations serving needs (get, the compare-and-set
 * update, starting the change feed) and the store process answers and
 * pushes the feed's changes.  One message per SOCK_SEQPACKET datagram, in
 * a fixed layout: a type byte, then that type's fields in a fixed order,
 * every one checked (counts, states, bindings, flags, error text) and no
 * trailing bytes, so that the store process never parses anything the
 * network chose. */
#ifndef ROAM_MOBILITY_IMS_SEP_MSG_H
#define ROAM_MOBILITY_IMS_SEP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"

enum ims_sep_type {
    /* network process -> store process */
    IMS_SEP_GET = 1,          /* hoa */
    IMS_SEP_UPDATE = 2,       /* m */
    IMS_SEP_WATCH = 3,        /* start the change feed */
    /* store process -> network process */
    IMS_SEP_GOT = 0x81,       /* rc 1: m, pub; 0: nothing; -1: err */
    IMS_SEP_UPDATED = 0x82,   /* rc 0: m.updated_ms; 1: current; 2 and -1: err */
    IMS_SEP_WATCHING = 0x83,  /* rc 0: feed; -1: err */
    IMS_SEP_CHANGES = 0x90,   /* resync, changes (the feed, unasked) */
};

#define IMS_SEP_FEED_MAX 32   /* changes in one IMS_SEP_CHANGES */
#define IMS_SEP_ERR_MAX 255   /* bytes of error text */
/* type, resync, count, and per change its flag and a full mapping */
#define IMS_SEP_MAPPING_MAX (IMS_ADDR_LEN + 8 + 8 + 1 + IMS_MAX_BINDINGS * (IMS_ADDR_LEN + 1))
#define IMS_SEP_MSG_MAX (3 + IMS_SEP_FEED_MAX * (1 + IMS_SEP_MAPPING_MAX))

typedef struct ims_sep_msg {
    int type;                         /* enum ims_sep_type */
    int rc;                           /* replies */
    uint8_t hoa[IMS_ADDR_LEN];        /* GET */
    ims_mapping m;                    /* UPDATE; GOT (rc 1); UPDATED (rc 0: updated_ms) */
    uint8_t pub[IMS_PUBKEY_LEN];      /* GOT (rc 1) */
    uint64_t current;                 /* UPDATED (rc 1) */
    int feed;                         /* WATCHING (rc 0): 1 if the store has a feed */
    int resync;                       /* CHANGES */
    size_t n_changes;                 /* CHANGES */
    ims_change changes[IMS_SEP_FEED_MAX];
    char err[IMS_SEP_ERR_MAX + 1];    /* GOT, WATCHING (rc -1), UPDATED (rc 2, -1) */
} ims_sep_msg;

/* Encode m into out (cap bytes, IMS_SEP_MSG_MAX always suffices): the
 * length, or -1 when a field is out of range (what decode would refuse;
 * error text longer than IMS_SEP_ERR_MAX is cut, empty becomes "?"). */
int ims_sep_encode(const ims_sep_msg *m, uint8_t *out, size_t cap);

/* Decode one datagram: requests only (the store process's side) when
 * request is set, else replies and changes only.  0, or -1 with err
 * saying what was refused (and m unspecified). */
int ims_sep_decode(const uint8_t *in, size_t len, int request, ims_sep_msg *m, char *err,
                   size_t errlen);

#endif
