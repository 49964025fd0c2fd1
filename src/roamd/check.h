/* roamd --check: everything start-up does short of binding the listeners
 * and connecting to libvirt, with every problem reported (diag.h), each at
 * the line of the key to blame: the configuration itself; the MPK (it must
 * be one, not a user key); every certificate, private key and CA bundle,
 * and that each certificate matches its key; the accept policy compiled as
 * the operator wrote it (columns count in that text); that the audit log
 * can be created or appended to; the listen addresses and the name. */
#ifndef ROAMD_CHECK_H
#define ROAMD_CHECK_H

#include "diag.h"

/* 0 if the configuration at path would start, else -1 (problems in d). */
int roamd_check(const char *path, roam_diag *d);

#endif
