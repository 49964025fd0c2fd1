/* roamd --check: everything start-up does short of binding the listeners
 * and connecting to libvirt, with every problem reported (diag.h), each at
 * the line of the key to blame: the configuration itself; the MPK (it must
 * be one, not a user key); every certificate, private key and CA bundle,
 * and that each certificate matches its key; the accept policy compiled as
 * the operator wrote it (columns count in that text); that the audit log
 * can be created or appended to; the listen addresses and the name; the
 * state directory.  Also lists the in-flight migration records there. */
#ifndef ROAMD_CHECK_H
#define ROAMD_CHECK_H

#include <stdio.h>

#include "diag.h"

/* 0 if the configuration at path would start, else -1 (problems in d). */
int roamd_check(const char *path, roam_diag *d);

/* One line on out per in-flight migration record in the state directory
 * of the configuration at path (inflight.h); how many. */
int roamd_check_inflight(const char *path, FILE *out);

#endif
