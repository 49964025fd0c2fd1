/* Reconciliation of in-flight records (inflight.h) at roamd's start: each
 * record left by a roamd that died mid-migration is compared with what
 * libvirt reports for its VM here (and, on the source, at the destination
 * when the VM is paused here), then finished or rolled back:
 *   - source, VM running here: the migration did not happen; the
 *     secondary NIC goes down again (rolled back);
 *   - source, VM paused here: running at the destination, it moved (left
 *     paused here for libvirt); absent there, it is resumed here with its
 *     secondary NIC down (rolled back);
 *   - source, VM gone from here: it moved, and its post-processing is the
 *     destination's (moved);
 *   - destination, VM running here: it arrived; its primary NIC goes down
 *     as post-processing would have done (finished);
 *   - destination, VM not here: it never arrived (dropped);
 *   - a migration job still running, the VM paused mid-switch at the
 *     destination, the destination's libvirt unreachable: not yet
 *     (pending), retried with backoff by a thread until resolved.
 * Each outcome is audited (event "reconcile").  The VM stays locked
 * (roamd_vm_lock) while its record is pending, so no new migration of it
 * starts from a state nobody has resolved. */
#ifndef ROAMD_RECONCILE_H
#define ROAMD_RECONCILE_H

#include <stddef.h>

#include "daemon.h"
#include "inflight.h"

/* Where the VM is, as libvirt on one host reports it. */
enum roamd_vm_where {
    ROAMD_VM_ABSENT,    /* not defined, or defined and shut off */
    ROAMD_VM_RUNNING,   /* active, not paused, no job */
    ROAMD_VM_PAUSED,    /* active, paused, no job */
    ROAMD_VM_BUSY,      /* a job (migration) runs, or paused by one still settling */
    ROAMD_VM_UNKNOWN,   /* that libvirt could not be asked */
    ROAMD_VM_NOT_ASKED, /* (there) not asked yet */
};

enum roamd_reconcile_action {
    ROAMD_RECONCILE_WAIT,          /* pending: ask again later */
    ROAMD_RECONCILE_ROLLBACK,      /* secondary NIC down here */
    ROAMD_RECONCILE_RESUME,        /* secondary NIC down and resume here */
    ROAMD_RECONCILE_MOVED,         /* nothing here: the destination has it */
    ROAMD_RECONCILE_FINISH,        /* primary NIC down here (destination) */
    ROAMD_RECONCILE_DROP,          /* it never arrived here (destination) */
    ROAMD_RECONCILE_ASK_PEER,      /* decide with where the destination reports it */
};

/* What to do for record role/step, the VM being here and (for
 * ROAMD_RECONCILE_ASK_PEER's second round) there.  Pure: tested alone. */
enum roamd_reconcile_action roamd_reconcile_decide(enum roamd_inflight_role role,
                                                   enum roamd_vm_where here,
                                                   enum roamd_vm_where there);

const char *roamd_reconcile_action_name(enum roamd_reconcile_action a);

/* Load the records and resolve what can be resolved now; start the retry
 * thread for the rest.  0, or -1 with err when the state directory cannot
 * be used (roamd does not start without it). */
int roamd_reconcile_start(struct roamd *d, char *err, size_t errlen);

/* Stop the retry thread (records stay on disk for the next start). */
void roamd_reconcile_stop(struct roamd *d);

/* The state directory in use: state_dir, or the audit log's directory. */
const char *roamd_state_dir(const struct roamd_config *c, char *buf, size_t cap);

/* A migration's record steps, for the flows (source.c, peer_post.c).
 * roamd_inflight_begin fills r; roamd_inflight_step writes it at step s
 * (0, or -1 with err: the step must not be taken unrecorded);
 * roamd_inflight_end removes it (a failure is logged: the next start
 * reconciles the record, which then finds nothing to do). */
void roamd_inflight_begin(struct roamd_inflight *r, enum roamd_inflight_role role,
                          const char *vm, const uint8_t qid[16], const char *peer,
                          const char *primary, const char *secondary);
int roamd_inflight_step(struct roamd *d, struct roamd_inflight *r, enum roamd_inflight_step s,
                        char *err, size_t errlen);
void roamd_inflight_end(struct roamd *d, struct roamd_inflight *r);

/* Where vm is on this host, as libvirt reports it now (for the answers to
 * Locate, locate_answer.h). */
enum roamd_vm_where roamd_vm_where_here(struct roamd *d, const char *vm);

#endif
