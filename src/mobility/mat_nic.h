/* The mobile node's per-NIC kernel settings: set on the managed NICs when
 * the agent starts, put back as they were when it stops.
 *
 *  - /proc/sys/net/ipv6/conf/NIC/ignore_routes_with_linkdown = 1: a NIC
 *    whose link went down keeps its routes (marked linkdown) and the kernel
 *    keeps using them unless told otherwise, so the new active address's
 *    packets, the IMS registration first, would leave through a dead link.
 *
 *  - /sys/class/net/NIC/threaded = 1 ([mobile] threaded_napi): each NIC's
 *    receive processing (NAPI) runs in a kernel thread of its own, at the
 *    agent's priority when that is higher than the default.  Right after an
 *    incoming live migration the VM's vCPU is saturated: everything wakes
 *    at once (the agent, kernel workers, the workload) and caches (under
 *    TCG, translated code) are cold.  Softirq work that overruns its time
 *    budget (net.core.netdev_budget_usecs) is handed to ksoftirqd, one
 *    thread at the default priority behind every runnable task, and the
 *    NICs polled after the first wait for it.  In the lab QEMU kept filling
 *    the new primary NIC's receive ring while the guest took no interrupt
 *    from it for 170-285 ms (QEMU traces: virtqueue_flush without
 *    virtio_notify); in NAPI threads the same moves answer 54-84 ms after
 *    the RARP in both directions (docs/mobility.md, "Measured here").
 *
 * A one-character setting is judged by reading it back: some kernels
 * (Debian 6.1) report the handler's "changed" as a short write. */
#ifndef ROAM_MOBILITY_MAT_NIC_H
#define ROAM_MOBILITY_MAT_NIC_H

#include <net/if.h>
#include <stddef.h>
#include <sys/types.h>

#include "mat_config.h"

#define MAT_NIC_MAX_SAVED (2 * MAT_MAX_IFACES)
#define MAT_NIC_MAX_THREADS 64

typedef struct mat_nic_tuning {
    struct {
        char path[96];
        char old;
    } saved[MAT_NIC_MAX_SAVED];   /* settings changed, with what they were */
    size_t n_saved;
    struct {
        pid_t tid;
        int old_nice;
    } threads[MAT_NIC_MAX_THREADS];   /* NAPI threads whose priority was raised */
    size_t n_threads;
} mat_nic_tuning;

/* Write v to the one-character setting at path.  old gets what it held
 * (0 if unreadable).  1 when it reads back v, 0 when it cannot be set (no
 * such file: older kernel, missing interface, no NAPI). */
int mat_nic_knob_set(const char *path, char v, char *old);

/* Apply the settings to cfg's interfaces (threaded NAPI only with
 * cfg->threaded_napi; the threads' priority is cfg->nice when negative).
 * What cannot be set is logged and skipped: none of it is vital. */
void mat_nic_tune(mat_nic_tuning *t, const mat_config *cfg);

/* Put back everything mat_nic_tune changed. */
void mat_nic_untune(mat_nic_tuning *t);

#endif
