/* roam-load: many users authenticating at once against one roamd, while
 * other connections sit idle or trickle bytes (see load_main.c).  The
 * pieces share these types: the options, the per-second series, a latency
 * histogram, the holders of hostile connections and the sampler of the
 * daemon's /proc entries. */
#ifndef ROAM_BENCH_LOAD_H
#define ROAM_BENCH_LOAD_H

#include <stdatomic.h>
#include <stdint.h>

#include "abe.h"
#include "tls.h"

#define LOAD_MAX_SECONDS 7200
#define LOAD_MAX_USERS 1000
#define LOAD_MAX_HELD 20000

/* Latency histogram: 0.1 ms buckets up to 10 s, then one overflow bucket. */
#define HIST_BUCKETS 100001
struct hist {
    uint32_t n[HIST_BUCKETS];
    uint64_t count;
};
void hist_add(struct hist *h, int64_t us);
void hist_merge(struct hist *into, const struct hist *from);
/* The q-quantile (0..1) in ms, or -1 when empty. */
double hist_quantile_ms(const struct hist *h, double q);

/* Per-second counts, indexed by the second since the start. */
struct series {
    _Atomic uint32_t ok[LOAD_MAX_SECONDS], fail[LOAD_MAX_SECONDS];
};

/* Why a legitimate authentication failed. */
enum fail_kind { FAIL_CONNECT, FAIL_TLS, FAIL_REFUSED, FAIL_PROTOCOL, FAIL_KINDS };

struct users {
    /* set before start */
    roam_tls_ctx *ctx;
    const abe_mpk_t *mpk;
    const abe_key_t *key;
    const char *host, *port, *dst, *vm;
    int n, timeout_ms, src_base;      /* sources 127.<base>.x.y, one per user */
    int64_t t0_ms, end_ms;
    struct series *series;
    /* results */
    struct hist *hist;                /* merged at the end */
    _Atomic uint64_t fails[FAIL_KINDS];
    _Atomic int stop;
    char first_error[256];
    _Atomic int have_error;
};
int users_start(struct users *u);
void users_join(struct users *u);

/* Connections that never authenticate: idle (nothing sent after TCP
 * connect), slowloris (a TLS record header, then one byte per trickle
 * interval) or stalled (a whole ClientHello, then nothing: the daemon
 * answers and waits for the client's Finished).  Whenever the daemon
 * closes one, the holder opens another after reopen_ms, as an attacker
 * would. */
enum hold_kind { HOLD_IDLE, HOLD_SLOWLORIS, HOLD_STALL };
struct holders {
    const char *host, *port;
    enum hold_kind kind;
    int n, sources, src_base, trickle_ms, reopen_ms;
    _Atomic int stop;
    /* results */
    _Atomic int open_now;
    _Atomic uint64_t opened, closed_fast, closed_slow, connect_fail;
    _Atomic int64_t longest_ms;
};
int holders_start(struct holders *h);
void holders_join(struct holders *h);

/* One sample of a process with every process below it (summed): CPU time
 * (ms, user + system), resident set and its peak (kB). */
struct proc_sample {
    double cpu_ms;
    long rss_kb, hwm_kb;
};
int proc_sample(int pid, struct proc_sample *s);
/* This process's CPU time, ms. */
double self_cpu_ms(void);

/* A TCP connection to host:port from 127.a.b.c (index i of the sources at
 * base: 127.base.(i / 250).(1 + i % 250)), non-blocking if nonblock; -1 on
 * failure.  Other loopback addresses make the daemon see other sources. */
int load_tcp_from(const char *host, const char *port, int base, int i, int nonblock);

#endif
