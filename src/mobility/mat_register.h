/* The mobile node's registration with the IMS: the bindings it wants
 * stored, signed and sent as one datagram (signed ahead when a switch was
 * foreseen, mat_presign.h; retransmitted by mat_dgram.h) or over TLS when
 * datagrams are not configured or went unanswered; the IMS's answer; the
 * sequence numbers.  A switch on QEMU's announcement is on trial until its
 * registration is acknowledged (confirm_by); a datagram failing then
 * ends the trial at once instead of falling back to TLS. */
#ifndef ROAM_MOBILITY_MAT_REGISTER_H
#define ROAM_MOBILITY_MAT_REGISTER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ims_msg.h"
#include "ims_types.h"
#include "mat_config.h"
#include "mat_conn.h"
#include "mat_dgram.h"
#include "mat_ifset.h"
#include "mat_preopen.h"
#include "mat_presign.h"

typedef struct mat_register {
    const mat_config *cfg;
    mat_conn *conn;                   /* the agent's IMS connection */
    const mat_ifset *ifs;             /* which NIC an address is on */
    mat_preopen *preopen;             /* a connection from the new address, if open */
    EVP_PKEY *key;
    ims_mapping acked;                /* what the IMS acknowledged */
    int dirty;                        /* the wanted bindings are not what was last sent */
    uint64_t pending_id, last_seq;    /* a TLS registration awaiting its answer */
    ims_mapping pending;
    int64_t pending_since, switch_at;
    int64_t confirm_by;               /* a switch on trial until then (0: none) */
    /* registration datagrams ([ims] ack_pubkey) */
    int use_dgram;
    uint8_t ims_pub[IMS_PUBKEY_LEN];  /* signs the IMS's datagram acks */
    mat_dgram dg;
    int dg_fallback;                  /* datagrams went unanswered: TLS until it acks */
    mat_presign pre;
    int chal_fd;                      /* [ims] challenge_port: the IMS's MoA challenges
                                       * for registrations not sent from the MoA */
    /* A new address the IMS's challenge cannot reach (a standby network
     * before the move) is tried again after unproven_ms, doubling up to
     * UNPROVEN_MAX_MS, not after every back-off: each try costs the VM a
     * TLS handshake.  A switch or an acknowledgement ends the wait. */
    int64_t unproven_until;
    int unproven_ms;
} mat_register;

/* Load the node's key and the IMS's ack key.  0, or -1 with err. */
int mat_register_init(mat_register *r, const mat_config *cfg, mat_conn *conn,
                      const mat_ifset *ifs, mat_preopen *preopen, char *err, size_t errlen);

/* The wanted bindings changed (switched: the active address too). */
void mat_register_changed(mat_register *r, int switched);

/* Register want if it is not sent yet. */
void mat_register_send(mat_register *r, const ims_mapping *want);

/* Keep the next switch's registration (w, NULL if none foreseen) signed
 * and its socket open. */
void mat_register_presign(mat_register *r, const ims_mapping *w);

/* Send the registration signed ahead now.  1 if it went out. */
int mat_register_send_ahead(mat_register *r);

/* Retransmit the datagram when due; give the registration to TLS when the
 * IMS does not answer (or end a trial). */
void mat_register_timer(mat_register *r);

/* A TLS registration unanswered for too long: reconnect. */
void mat_register_overdue(mat_register *r, const ims_mapping *want);

/* Monotonic ms of the next timer, lowered into *due. */
void mat_register_due(const mat_register *r, int64_t *due);

/* The datagram socket is readable. */
void mat_register_dgram_event(mat_register *r, const ims_mapping *want);

/* The challenge port is readable: a token for the datagram in flight
 * sends it again at once with the token. */
void mat_register_challenge_event(mat_register *r);

/* A message from the IMS over TLS. */
void mat_register_message(mat_register *r, const ims_mapping *want, const ims_message *msg);

/* Close the IMS connection (logging why) and back off. */
void mat_register_conn_failed(mat_register *r, const ims_mapping *want, const char *why);

void mat_register_free(mat_register *r);

#endif
