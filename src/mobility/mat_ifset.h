/* The mobile node's view of its NICs (fed by netlink events) and the choice
 * made from it: which addresses to register, which one active, and where a
 * switch would go if the active NIC's network went away.  Pure bookkeeping:
 * no sockets, no rules; roam-mat's mobile node acts on the answers. */
#ifndef ROAM_MOBILITY_MAT_IFSET_H
#define ROAM_MOBILITY_MAT_IFSET_H

#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"
#include "mat_config.h"
#include "mat_netlink.h"

#define MAT_ADDRS_PER_IF 8

typedef struct mat_if {
    int index;                  /* 0: not seen yet */
    int up;
    int gone;                   /* link up, but its network is not there (moved away, or no answer) */
    int have_gw;                /* a default router learned on this NIC (RA or static) */
    uint8_t gw[IMS_ADDR_LEN];
    size_t n;
    uint8_t addr[MAT_ADDRS_PER_IF][IMS_ADDR_LEN];
} mat_if;

typedef struct mat_ifset {
    const mat_config *cfg;      /* ifaces[i] is the name of ifs[i]; hoa is never registered */
    mat_if ifs[MAT_MAX_IFACES];
    uint8_t left_prefix[8];     /* /64 of the address the last switch left */
    int have_left;
    mat_nl_handler events;      /* feeds ifs from netlink */
} mat_ifset;

void mat_ifset_init(mat_ifset *s, const mat_config *cfg);

/* The handler that keeps the set up to date (mat_nl_dump, mat_nl_read). */
const mat_nl_handler *mat_ifset_events(mat_ifset *s);

/* Name of the managed interface holding address text addr, or NULL. */
const char *mat_ifset_dev_of(const mat_ifset *s, const char *addr);

/* The NIC holding address addr, or -1. */
int mat_ifset_holder(const mat_ifset *s, const uint8_t addr[IMS_ADDR_LEN]);

/* The NIC holding cur's active address, or -1. */
int mat_ifset_active(const mat_ifset *s, const ims_mapping *cur);

/* What should be registered now, given what is (cur): every candidate
 * address; the active one kept while it lives, else the first candidate
 * outside the active one's /64, else any candidate.  Remembers the /64 a
 * switch leaves. */
void mat_ifset_want(mat_ifset *s, const ims_mapping *cur, ims_mapping *w);

/* What would be registered if the active NIC's network were gone now,
 * without changing anything.  0, or -1 if that would not be a switch. */
int mat_ifset_predict(mat_ifset *s, const ims_mapping *cur, ims_mapping *w);

/* The address that becomes active if the active interface fails: the
 * first standby of cur on another interface.  NULL if none. */
const uint8_t *mat_ifset_successor(const mat_ifset *s, const ims_mapping *cur);

#endif
