/* The destination's admissions: a successful accept-role authentication
 * records (vm, src, query id); the source daemon's AdmissionQuery consumes
 * it; then libvirt's qemu hook claims it when the migration arrives.
 * Single use at each step, short-lived (config admission_lifetime <= 60 s), bounded
 * in number, and thread-safe. */
#ifndef ROAMD_ADMISSION_H
#define ROAMD_ADMISSION_H

#include <stddef.h>
#include <stdint.h>

#define ROAMD_ADMISSIONS_MAX 1024
/* Live admissions one client (roamd_client_key: an IPv6 /64) may hold: one
 * client cannot fill the table and lock every other user out.  Before the
 * challenge nothing better than the address identifies a user (the key's
 * fingerprint is only claimed). */
#define ROAMD_ADMISSIONS_PER_CLIENT 32

typedef struct roamd_admissions roamd_admissions;

roamd_admissions *roamd_admissions_new(int64_t lifetime_ms);
void roamd_admissions_free(roamd_admissions *t);

/* Record an admission at time now_ms (CLOCK_MONOTONIC ms).  -1 with err if
 * the table is full of live entries or the query id is already known. */
int roamd_admission_add(roamd_admissions *t, const char *vm, const char *src,
                        const uint8_t qid[16], int64_t now_ms, char *err, size_t errlen);

/* The same for the client `client` (roamd_client_key): also -1 when it
 * already holds ROAMD_ADMISSIONS_PER_CLIENT live admissions. */
int roamd_admission_add_for(roamd_admissions *t, const char *client, const char *vm,
                            const char *src, const uint8_t qid[16], int64_t now_ms, char *err,
                            size_t errlen);

/* Consume the admission for exactly (vm, src, qid).  0, or -1 with err
 * "no admission ...", "admission expired" or "admission already used". */
int roamd_admission_take(roamd_admissions *t, const char *vm, const char *src,
                         const uint8_t qid[16], int64_t now_ms, char *err, size_t errlen);

/* An accept authentication of qid began (its challenge is about to go
 * out): a query for qid waits for its outcome.  -1 (nothing recorded;
 * queries then do not wait) when ROAMD_ADMISSIONS_MAX are already under
 * way.  Entries expire with the table's lifetime. */
int roamd_admission_expect(roamd_admissions *t, const uint8_t qid[16], int64_t now_ms);

/* That authentication ended, granted (after roamd_admission_add*) or not:
 * the queries waiting for it stop.  Unknown qid: nothing happens. */
void roamd_admission_expect_end(roamd_admissions *t, const uint8_t qid[16]);

/* roamd_admission_take, but while no admission with qid exists and an
 * accept authentication of qid has not begun or is under way, wait up to
 * wait_ms (monotonic clock) for its outcome; one that began and ended
 * without an admission ends the wait at once.  The caller's thread waits
 * (only authenticated peers ask); nothing else is held for it.  0, or -1
 * with err as roamd_admission_take. */
int roamd_admission_take_wait(roamd_admissions *t, const char *vm, const char *src,
                              const uint8_t qid[16], int wait_ms, char *err, size_t errlen);

/* The destination's libvirt asks (through the qemu hook) whether an
 * incoming migration of vm may start: claim the admission for vm that an
 * AdmissionQuery took and that no migration claimed yet, within its
 * lifetime.  Single use: a second claim is refused.  0 (src and qid, if
 * not NULL, get the admission's source and query id), or -1 with err. */
int roamd_admission_claim(roamd_admissions *t, const char *vm, int64_t now_ms, char *src,
                          size_t srccap, uint8_t qid[16], char *err, size_t errlen);

/* Make the admission with this query id unusable, used or not (rollback);
 * it stays as a tombstone until it expires. */
void roamd_admission_drop(roamd_admissions *t, const uint8_t qid[16]);

/* Live (unexpired) entries, used ones included: for tests and status. */
size_t roamd_admission_count(roamd_admissions *t, int64_t now_ms);

#endif
