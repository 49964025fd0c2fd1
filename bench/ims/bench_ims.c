/* bench-ims: roam-ims's registration throughput and register -> push
 * latency, on SQLite and on a 3-member etcd cluster on loopback with one
 * and two front-ends, and the write pause while the etcd leader changes.
 *
 * Each case runs its front-ends on threads of this process (real TLS on
 * ::1).  Throughput: AGENTS agents register concurrently, each waiting for
 * its Ack before the next (registrations/s over all of them).  Latency:
 * one agent registers one HoA --regs times in a row while a correspondent
 * subscribed to it (on the other front-end, with two) takes the time from
 * the Register being sent to the pushed Mapping arriving; p50/p99 over the
 * registrations.  Leader change: agents register without pause, the
 * leader gets SIGKILL, the pause is the longest stretch without an Ack
 * after the kill; the member is restarted before the next run.
 *
 * Prints a table, then CSV:
 *   case,frontends,regs_per_s,push_p50_ms,push_p99_ms,n
 *   leader_change,run,pause_ms
 * Built with -DBENCH_IMS_SQLITE_ONLY it needs only the store API that
 * predates the etcd backend, so the same source measures an older tree's
 * SQLite path for comparison (docs/mobility.md, "Scale"). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../tests/proto/certs.h"
#include "errbuf.h"
#include "ims_client.h"
#include "ims_server.h"
#include "ims_sign.h"
#include "ims_store.h"
#include "log.h"
#ifndef BENCH_IMS_SQLITE_ONLY
#include "../../tests/mobility/etcd_cluster.h"
#endif

#define AGENTS 4
#define MAX_REGS 20000
#define BASE_PORT 23792

static char dir[] = "/tmp/roam-bench-ims.XXXXXX";
static char ca[300], cert[300], keyf[300], pubf[300];
static roam_tls_ctx *client_tls;
static EVP_PKEY *key;
/* Each HoA moves between two MoAs of its own (a MoA is one HoA's only). */
static uint8_t hoa[AGENTS + 1][IMS_ADDR_LEN], moa[AGENTS + 1][2][IMS_ADDR_LEN];
static int regs = 1000;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench-ims: %s: %s\n", what, err);
    exit(1);
}

/* ---- front-ends ---- */

typedef struct frontend {
    ims_store *store;
    ims_server *server;
    pthread_t th;
    char port[16];
} frontend;

static void *serve(void *arg)
{
    frontend *f = arg;
    char err[ROAM_ERR_MAX];
    if (ims_server_run(f->server, err, sizeof err) < 0)
        fprintf(stderr, "bench-ims: server: %s\n", err);
    return NULL;
}

static void fe_start(frontend *f, ims_store *st)
{
    char err[ROAM_ERR_MAX];
    ims_server_config cfg;
    ims_server_config_defaults(&cfg);
    cfg.listen = "::1";
    cfg.port = "0";
    cfg.cert = cert;
    cfg.key = keyf;
    cfg.open_queries = 1;
    f->store = st;
    f->server = ims_server_new(&cfg, st, err, sizeof err);
    if (!f->server)
        die("server", err);
    snprintf(f->port, sizeof f->port, "%d", ims_server_port(f->server));
    pthread_create(&f->th, NULL, serve, f);
}

static void fe_stop(frontend *f)
{
    ims_server_stop(f->server);
    pthread_join(f->th, NULL);
    ims_server_free(f->server);
    ims_store_close(f->store);
}

static ims_client *dial(const frontend *f)
{
    char err[ROAM_ERR_MAX];
    ims_client *c = ims_client_connect(client_tls, "::1", f->port, NULL, NULL, NULL, 5000, err,
                                       sizeof err);
    if (!c)
        die("connect", err);
    return c;
}

static void enroll(ims_store *st)
{
    char err[ROAM_ERR_MAX];
    uint8_t pub[IMS_PUBKEY_LEN];
    if (ims_key_load_public(pubf, pub, err, sizeof err) < 0)
        die("public key", err);
    for (int k = 0; k <= AGENTS; k++)
        if (ims_store_enroll(st, hoa[k], pub, err, sizeof err) < 0)
            die("enroll", err);
}

/* Register and wait for the answer: 1 acknowledged, 0 not. */
static int reg(ims_client *c, int k, uint64_t seq)
{
    char err[ROAM_ERR_MAX];
    ims_binding b = { .state = IMS_ACTIVE };
    memcpy(b.moa, moa[k][seq % 2], IMS_ADDR_LEN);
    uint64_t id;
    ims_message *m = NULL;
    if (ims_client_register(c, key, hoa[k], seq, &b, 1, &id, err, sizeof err) < 0 ||
        ims_client_wait(c, id, &m, 10000, NULL, NULL, err, sizeof err) != 1)
        return 0;
    int ok = m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK;
    ims_msg_free(m);
    return ok;
}

/* ---- throughput ---- */

typedef struct agent {
    const frontend *fe;
    int k;
    uint64_t first;
    int n;
    pthread_t th;
    int acked;
    double *ack_ms;               /* leader-change runs: when each ack came */
    atomic_int *stop;
} agent;

static void *agent_run(void *arg)
{
    agent *a = arg;
    ims_client *c = dial(a->fe);
    for (int i = 0; i < a->n && !(a->stop && atomic_load(a->stop)); i++) {
        if (reg(c, a->k, a->first + (uint64_t)i)) {
            if (a->ack_ms)
                a->ack_ms[a->acked] = now_ms();
            a->acked++;
        } else {
            ims_client_close(c);   /* a refusal or a timeout: start afresh */
            c = dial(a->fe);
        }
    }
    ims_client_close(c);
    return NULL;
}

static uint64_t next_seq = 1;

static double throughput(frontend *fe, int nfe)
{
    agent a[AGENTS];
    double t0 = now_ms();
    for (int k = 0; k < AGENTS; k++) {
        a[k] = (agent){ .fe = &fe[k % nfe], .k = k, .first = next_seq, .n = regs / AGENTS };
        pthread_create(&a[k].th, NULL, agent_run, &a[k]);
    }
    int acked = 0;
    for (int k = 0; k < AGENTS; k++) {
        pthread_join(a[k].th, NULL);
        acked += a[k].acked;
    }
    next_seq += (uint64_t)(regs / AGENTS);
    return acked / ((now_ms() - t0) / 1e3);
}

/* ---- register -> push latency ---- */

typedef struct corr {
    ims_client *c;
    pthread_t th;
    atomic_int stop;
    uint64_t first;
    double *got;                  /* got[seq - first]: arrival time */
} corr;

static void *corr_run(void *arg)
{
    corr *w = arg;
    char err[ROAM_ERR_MAX];
    while (!atomic_load(&w->stop)) {
        ims_message *m;
        int r = ims_client_recv(w->c, &m, 50, err, sizeof err);
        if (r < 0)
            break;
        if (r == 0)
            continue;
        if (m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING && m->id == 0 &&
            m->mapping->seq >= w->first && m->mapping->seq < w->first + (uint64_t)regs)
            w->got[m->mapping->seq - w->first] = now_ms();
        ims_msg_free(m);
    }
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void latency(frontend *reg_fe, frontend *sub_fe, double *p50, double *p99, int *n)
{
    char err[ROAM_ERR_MAX];
    corr w = { .c = dial(sub_fe), .first = next_seq };
    w.got = calloc((size_t)regs, sizeof *w.got);
    double *sent = calloc((size_t)regs, sizeof *sent), *lat = calloc((size_t)regs, sizeof *lat);
    uint64_t id;
    ims_message *m = NULL;
    const uint8_t (*h)[IMS_ADDR_LEN] = (const uint8_t (*)[IMS_ADDR_LEN])hoa[AGENTS];
    if (!w.got || !sent || !lat ||
        ims_client_subscribe(w.c, h, 1, &id, err, sizeof err) < 0 ||
        ims_client_wait(w.c, id, &m, 5000, NULL, NULL, err, sizeof err) != 1)
        die("subscribe", err);
    ims_msg_free(m);
    pthread_create(&w.th, NULL, corr_run, &w);
    ims_client *c = dial(reg_fe);
    for (int i = 0; i < regs; i++) {
        sent[i] = now_ms();
        if (!reg(c, AGENTS, next_seq + (uint64_t)i))
            sent[i] = 0;
    }
    usleep(300000);   /* the last pushes */
    atomic_store(&w.stop, 1);
    pthread_join(w.th, NULL);
    *n = 0;
    for (int i = 0; i < regs; i++)
        if (sent[i] > 0 && w.got[i] > 0)
            lat[(*n)++] = w.got[i] - sent[i];
    qsort(lat, (size_t)*n, sizeof *lat, cmp_d);
    *p50 = *n ? lat[*n / 2] : -1;
    *p99 = *n ? lat[(*n * 99) / 100 < *n ? (*n * 99) / 100 : *n - 1] : -1;
    next_seq += (uint64_t)regs;
    ims_client_close(c);
    ims_client_close(w.c);
    free(w.got);
    free(sent);
    free(lat);
}

/* ---- cases ---- */

typedef struct row {
    char name[32];
    int nfe;
    double rps, p50, p99;
    int n;
} row;

static row rows[8];
static int nrows;

static void measure(const char *name, frontend *fe, int nfe)
{
    row *r = &rows[nrows++];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->nfe = nfe;
    r->rps = throughput(fe, nfe);
    latency(&fe[0], &fe[nfe - 1], &r->p50, &r->p99, &r->n);
    fprintf(stderr, "bench-ims: %s, %d front-end(s): %.0f registrations/s, push p50 %.2f ms, "
            "p99 %.2f ms\n", name, nfe, r->rps, r->p50, r->p99);
}

static void case_sqlite(void)
{
    char db[300], err[ROAM_ERR_MAX];
    snprintf(db, sizeof db, "%s/ims.sqlite", dir);
    ims_store *st = ims_store_open(db, err, sizeof err);
    if (!st)
        die("SQLite", err);
    enroll(st);
    frontend fe;
    fe_start(&fe, st);
    measure("sqlite", &fe, 1);
    fe_stop(&fe);
}

#ifndef BENCH_IMS_SQLITE_ONLY
static etcd_cluster ec;
static double pauses[16];
static int npauses;

static ims_store *etcd_store(void)
{
    char err[ROAM_ERR_MAX];
    ims_etcd_config cfg = { .endpoints = ec.endpoints, .prefix = "/bench/", .timeout_ms = 2000 };
    ims_store *st = ims_store_open_etcd(&cfg, err, sizeof err);
    if (!st)
        die("etcd", err);
    return st;
}

static double leader_change(frontend *fe)
{
    double ack[AGENTS][MAX_REGS / AGENTS + 1];
    agent a[AGENTS];
    atomic_int stop = 0;
    for (int k = 0; k < AGENTS; k++) {
        a[k] = (agent){ .fe = &fe[k % 2], .k = k, .first = next_seq, .n = MAX_REGS / AGENTS,
                        .ack_ms = ack[k], .stop = &stop };
        pthread_create(&a[k].th, NULL, agent_run, &a[k]);
    }
    usleep(1000000);
    int leader = ec_leader(&ec);
    double killed = now_ms();
    ec_signal(&ec, leader, SIGKILL);
    usleep(4000000);
    atomic_store(&stop, 1);
    double all[MAX_REGS + 1];
    int n = 0;
    for (int k = 0; k < AGENTS; k++) {
        pthread_join(a[k].th, NULL);
        for (int i = 0; i < a[k].acked; i++)
            all[n++] = ack[k][i];
    }
    next_seq += MAX_REGS / AGENTS;
    all[n++] = killed;
    qsort(all, (size_t)n, sizeof all[0], cmp_d);
    double worst = 0;
    for (int i = 1; i < n; i++)
        if (all[i] > killed && all[i] - all[i - 1] > worst)
            worst = all[i] - all[i - 1];
    if (ec_restart(&ec, leader) < 0)
        die("etcd", "restarting the killed member");
    usleep(500000);
    return worst;
}

static void case_etcd(int leader_runs)
{
    char edir[300];
    snprintf(edir, sizeof edir, "%s/etcd", dir);
    if (mkdir(edir, 0700) < 0 || ec_start(&ec, edir, 3, BASE_PORT) < 0)
        die("etcd", "cannot start a 3-member cluster on loopback");
    ims_store *st = etcd_store();
    enroll(st);
    frontend fe[2];
    fe_start(&fe[0], st);
    measure("etcd", fe, 1);
    fe_start(&fe[1], etcd_store());
    measure("etcd", fe, 2);
    for (int i = 0; i < leader_runs && i < 16; i++) {
        pauses[npauses++] = leader_change(fe);
        fprintf(stderr, "bench-ims: leader change %d: pause %.0f ms\n", i + 1, pauses[i]);
    }
    fe_stop(&fe[1]);
    fe_stop(&fe[0]);
    ec_stop(&ec);
}
#endif

int main(int argc, char **argv)
{
    int sqlite_only = 0, leader_runs = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--regs") == 0 && i + 1 < argc)
            regs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--leader-runs") == 0 && i + 1 < argc)
            leader_runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--sqlite-only") == 0)
            sqlite_only = 1;
        else {
            fprintf(stderr, "usage: bench-ims [--regs N] [--leader-runs N] [--sqlite-only]\n");
            return 2;
        }
    }
    if (regs < AGENTS || regs > MAX_REGS) {
        fprintf(stderr, "bench-ims: --regs between %d and %d\n", AGENTS, MAX_REGS);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    roam_log_init("bench-ims", 0);   /* one line per registration would be the bench */
    char err[ROAM_ERR_MAX], kpriv[300];
    if (!mkdtemp(dir))
        die("mkdtemp", dir);
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    snprintf(cert, sizeof cert, "%s/ims.pem", dir);
    snprintf(keyf, sizeof keyf, "%s/ims.key", dir);
    snprintf(kpriv, sizeof kpriv, "%s/mn.key", dir);
    snprintf(pubf, sizeof pubf, "%s/mn.pub", dir);
    struct test_ca tca;
    if (certs_make_ca(&tca, "bench CA", ca) < 0 ||
        certs_make_leaf(&tca, "ims.test", "IP:::1", cert, keyf) < 0)
        die("PKI", "cannot make test certificates");
    certs_free_ca(&tca);
    client_tls = roam_tls_client_ctx(ca, NULL, NULL, err, sizeof err);
    if (!client_tls || ims_key_generate(kpriv, pubf, err, sizeof err) < 0 ||
        !(key = ims_key_load_private(kpriv, err, sizeof err)))
        die("keys", err);
    for (int k = 0; k <= AGENTS; k++) {
        char a[64];
        snprintf(a, sizeof a, "2001:db8:d::%x", 0x200 + k);
        ims_addr_parse(a, hoa[k]);
        snprintf(a, sizeof a, "2001:db8:a::%x", 0x200 + k);
        ims_addr_parse(a, moa[k][0]);
        snprintf(a, sizeof a, "2001:db8:b::%x", 0x200 + k);
        ims_addr_parse(a, moa[k][1]);
    }

    case_sqlite();
#ifndef BENCH_IMS_SQLITE_ONLY
    if (!sqlite_only) {
        if (!ec_available())
            fprintf(stderr, "bench-ims: etcd is not installed: SQLite only\n");
        else
            case_etcd(leader_runs);
    }
#else
    (void)sqlite_only;
    (void)leader_runs;
#endif

    printf("roam-ims, %d registrations per case (%d agents for throughput), loopback\n\n",
           regs, AGENTS);
    printf("%-8s %9s %12s %12s %12s\n", "store", "frontends", "regs_per_s", "push_p50_ms",
           "push_p99_ms");
    for (int i = 0; i < nrows; i++)
        printf("%-8s %9d %12.0f %12.2f %12.2f\n", rows[i].name, rows[i].nfe, rows[i].rps,
               rows[i].p50, rows[i].p99);
#ifndef BENCH_IMS_SQLITE_ONLY
    for (int i = 0; i < npauses; i++)
        printf("leader change %d: writes paused %.0f ms\n", i + 1, pauses[i]);
#endif
    printf("\ncase,frontends,regs_per_s,push_p50_ms,push_p99_ms,n\n");
    for (int i = 0; i < nrows; i++)
        printf("%s,%d,%.1f,%.3f,%.3f,%d\n", rows[i].name, rows[i].nfe, rows[i].rps, rows[i].p50,
               rows[i].p99, rows[i].n);
#ifndef BENCH_IMS_SQLITE_ONLY
    printf("leader_change,run,pause_ms\n");
    for (int i = 0; i < npauses; i++)
        printf("leader_change,%d,%.0f\n", i + 1, pauses[i]);
#endif
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench-ims: cannot remove %s\n", dir);
    EVP_PKEY_free(key);
    roam_tls_ctx_free(client_tls);
    return 0;
}
