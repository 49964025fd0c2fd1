/* The registration the next switch will send, signed ahead (signing is the
 * slowest step of a switch in a busy or emulated VM), with its datagram
 * socket bound and connected already from the address it will come from,
 * and with [mobile] handover, offered to the hosts (mat_handover.h).  Its
 * sequence number is taken when it is signed and stays good until another
 * registration uses a higher one. */
#ifndef ROAM_MOBILITY_MAT_PRESIGN_H
#define ROAM_MOBILITY_MAT_PRESIGN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ims_dgram.h"
#include "ims_types.h"
#include "mat_config.h"

typedef struct mat_presign {
    ims_mapping map;
    uint64_t seq;
    uint8_t buf[IMS_DGRAM_MAX];
    size_t len;                       /* 0: none */
    int fd;                           /* its socket (-1: none) */
    int64_t sent_at;                  /* sent already (on an announcement) at; 0: not */
} mat_presign;

void mat_presign_init(mat_presign *p);

/* Forget it, and close its socket. */
void mat_presign_drop(mat_presign *p);

/* Signed, and still good after last_seq? */
int mat_presign_ready(const mat_presign *p, uint64_t last_seq);

/* It is the registration w, still good after last_seq? */
int mat_presign_holds(const mat_presign *p, const ims_mapping *w, uint64_t last_seq);

/* Sign w with seq, open its socket from w's active address on dev, and
 * offer both to the hosts if configured.  Failures are logged: a switch
 * then signs when it happens. */
void mat_presign_make(mat_presign *p, EVP_PKEY *key, const ims_mapping *w, uint64_t seq,
                      const mat_config *cfg, const char *dev);

/* Send it now (QEMU announced the VM elsewhere).  1 if it went out. */
int mat_presign_send(mat_presign *p, uint64_t last_seq);

/* If it holds the registration want: its length, copied to buf, with its
 * seq, its socket (*fd, -1: none; taken over) and when it was sent
 * (*sent_at, 0: not).  0 if it does not. */
size_t mat_presign_take(mat_presign *p, const ims_mapping *want, uint64_t last_seq,
                        uint8_t buf[IMS_DGRAM_MAX], uint64_t *seq, int *fd, int64_t *sent_at);

#endif
