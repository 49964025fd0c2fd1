/* roam-ims --check: everything `roam-ims serve` does at start short of
 * listening, with every problem reported (diag.h) at the line of the key to
 * blame: the configuration; the certificate, its key (matching) and the
 * client CA bundle; the datagram ack key; that the database can be created
 * or opened for writing; every [enroll] entry's public key; the listen
 * address. */
#ifndef ROAM_MOBILITY_IMS_CHECK_H
#define ROAM_MOBILITY_IMS_CHECK_H

#include "diag.h"

/* 0 if the configuration at path would serve, else -1 (problems in d). */
int ims_check(const char *path, roam_diag *d);

#endif
