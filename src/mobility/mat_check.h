/* roam-mat --check: everything the agent does at start short of touching
 * the network (no IMS connection, no name resolution, no nftables or
 * netlink), with every problem reported (diag.h) at the line of the key to
 * blame: the configuration and its mode's required keys; the IMS CA bundle
 * and the client certificate and key (matching); the mobile node's signing
 * key and the IMS's ack public key; the interface names and the HoA device;
 * the IMS address's syntax. */
#ifndef ROAM_MOBILITY_MAT_CHECK_H
#define ROAM_MOBILITY_MAT_CHECK_H

#include "diag.h"

/* 0 if the configuration at path would start, else -1 (problems in d). */
int mat_check(const char *path, roam_diag *d);

#endif
