/* roam-ims front-ends on a real 3-member etcd cluster on loopback (skipped
 * without the etcd binary):
 *  1. the leader is killed during a stream of 1000 registrations from four
 *     agents on two front-ends: every acknowledged registration is in etcd's
 *     history, no HoA's sequence ever goes backwards (in the history or at
 *     a subscriber), registrations resume (the pause is measured);
 *  2. a front-end is killed while a correspondent is subscribed to it: it
 *     moves to the other one and ends with exactly the store's mappings,
 *     never told an older value after a newer one;
 *  3. a member is cut off (SIGSTOP): the others keep serving, the
 *     front-end that only knows that member refuses writes instead of
 *     acknowledging them; history is compacted meanwhile, and once the
 *     member is back that front-end re-reads and its subscriber ends right. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "etcd_cluster.h"
#include "ims_etcd_rec.h"
#include "ims_fixture.h"
#include "ims_sign.h"
#include "log.h"
#include "tap.h"

#define AGENTS 4
#define PER_AGENT 250
#define FRONTENDS 3

static fixture fx;
static etcd_cluster ec;
static EVP_PKEY *key;
static int killed = -1;             /* the member test_leader_kill killed */
static int64_t killed_ms;
/* Each HoA moves between two MoAs of its own (a MoA is one HoA's only). */
static uint8_t hoa[AGENTS][IMS_ADDR_LEN], moa[AGENTS][2][IMS_ADDR_LEN];

/* ---- front-ends: child processes, like separate machines ---- */

typedef struct frontend {
    pid_t pid;
    char port[16];
} frontend;

static frontend fe[FRONTENDS];

static int fe_start(frontend *f, int idx, const char *endpoints)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return -1;
    f->pid = fork();
    if (f->pid == 0) {
        close(pfd[0]);
        char log[300], name[32], err[ROAM_ERR_MAX];
        snprintf(name, sizeof name, "fe%d.log", idx);
        fx_path(&fx, name, log, sizeof log);
        if (!freopen(log, "a", stderr))
            _exit(1);
        setvbuf(stderr, NULL, _IOLBF, 0);
        roam_log_init("roam-ims", 1);
        ims_etcd_config cfg = { .endpoints = endpoints, .prefix = fx.prefix, .timeout_ms = 1000 };
        ims_store *st = ims_store_open_etcd(&cfg, err, sizeof err);
        ims_server_config sc;
        ims_server_config_defaults(&sc);
        sc.listen = "::1";
        sc.port = "0";
        sc.cert = fx.cert;
        sc.key = fx.key;
        sc.open_queries = 1;     /* the test's correspondents have no certificate */
        ims_server *s = st ? ims_server_new(&sc, st, err, sizeof err) : NULL;
        if (!s)
            fprintf(stderr, "front-end: %s\n", err);
        int port = s ? ims_server_port(s) : -1;
        if (write(pfd[1], &port, sizeof port) != sizeof port || !s)
            _exit(1);
        ims_server_run(s, err, sizeof err);
        _exit(0);
    }
    close(pfd[1]);
    int port = -1;
    if (f->pid < 0 || read(pfd[0], &port, sizeof port) != sizeof port)
        port = -1;
    close(pfd[0]);
    snprintf(f->port, sizeof f->port, "%d", port);
    return port > 0 ? 0 : -1;
}

static void fe_kill(frontend *f)
{
    if (f->pid > 0) {
        kill(f->pid, SIGKILL);
        waitpid(f->pid, NULL, 0);
        f->pid = 0;
    }
}

static ims_client *connect_to(const frontend *f)
{
    char err[ROAM_ERR_MAX];
    return ims_client_connect(fx.client_tls, "::1", f->port, NULL, NULL, NULL, 3000, err,
                              sizeof err);
}

static int fe_log_has(int idx, const char *what)
{
    char log[300], name[32], cmd[400];
    snprintf(name, sizeof name, "fe%d.log", idx);
    fx_path(&fx, name, log, sizeof log);
    snprintf(cmd, sizeof cmd, "grep -q '%s' '%s'", what, log);
    return system(cmd) == 0;
}

/* ---- registrations ---- */

/* Register and wait: 1 acknowledged, 0 refused, -1 no answer. */
static int reg(ims_client *c, int k, uint64_t seq, int ms)
{
    char err[ROAM_ERR_MAX];
    ims_binding b = { .state = IMS_ACTIVE };
    memcpy(b.moa, moa[k][seq % 2], IMS_ADDR_LEN);
    uint64_t id;
    ims_message *m = NULL;
    if (ims_client_register(c, key, hoa[k], seq, &b, 1, &id, err, sizeof err) < 0 ||
        ims_client_wait(c, id, &m, ms, NULL, NULL, err, sizeof err) != 1)
        return -1;
    int acked = m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK && m->ack->seq == seq;
    ims_msg_free(m);
    return acked;
}

typedef struct agent {
    int k;
    pthread_t th;
    uint64_t acked[PER_AGENT];
    int64_t acked_ms[PER_AGENT];
    size_t nacked;
    int refused, lost;
} agent;

static agent agents[AGENTS];
static atomic_int total_acked;

static void *agent_run(void *arg)
{
    agent *a = arg;
    ims_client *c = NULL;
    for (uint64_t seq = 1; seq <= PER_AGENT; seq++) {
        if (!c && !(c = connect_to(&fe[a->k % 2]))) {
            a->lost++;
            usleep(100000);
            continue;
        }
        int r = reg(c, a->k, seq, 10000);
        if (r == 1) {
            a->acked[a->nacked] = seq;
            a->acked_ms[a->nacked++] = roam_now_ms();
            atomic_fetch_add(&total_acked, 1);
        } else if (r == 0) {
            a->refused++;
        } else {
            a->lost++;
            ims_client_close(c);
            c = NULL;
        }
    }
    ims_client_close(c);
    return NULL;
}

/* ---- a correspondent that follows every HoA and checks the order ---- */

typedef struct watcher {
    pthread_t th;
    atomic_int stop;
    int fe_first;                  /* front-end it starts with; moves to the next */
    int moved;
    int backwards;                 /* pushes older than what it had */
    uint64_t seq[AGENTS];
    atomic_int pushes;
} watcher;

static void watcher_msg(watcher *w, const ims_message *m)
{
    if (m->body_case != ROAM__IMS__V1__MESSAGE__BODY_MAPPING || !m->mapping->known)
        return;
    for (int k = 0; k < AGENTS; k++)
        if (memcmp(m->mapping->hoa.data, hoa[k], IMS_ADDR_LEN) == 0) {
            if (m->mapping->seq < w->seq[k])
                w->backwards++;
            w->seq[k] = m->mapping->seq;
            atomic_fetch_add(&w->pushes, 1);
        }
}

static void on_push(const ims_message *m, void *arg)
{
    watcher_msg(arg, m);
}

static void *watcher_run(void *arg)
{
    watcher *w = arg;
    int f = w->fe_first;
    char err[ROAM_ERR_MAX];
    while (!atomic_load(&w->stop)) {
        ims_client *c = fe[f].pid > 0 ? connect_to(&fe[f]) : NULL;
        uint64_t id;
        ims_message *m = NULL;
        if (!c || ims_client_subscribe(c, (const uint8_t (*)[IMS_ADDR_LEN])hoa, AGENTS, &id, err,
                                       sizeof err) < 0 ||
            ims_client_wait(c, id, &m, 5000, on_push, w, err, sizeof err) != 1) {
            ims_client_close(c);
            f = (f + 1) % 2;   /* that one stopped answering: the other */
            w->moved++;
            usleep(50000);
            continue;
        }
        ims_msg_free(m);
        while (!atomic_load(&w->stop)) {
            int r = ims_client_recv(c, &m, 100, err, sizeof err);
            if (r < 0)
                break;
            if (r == 1) {
                watcher_msg(w, m);
                ims_msg_free(m);
            }
        }
        ims_client_close(c);
        if (!atomic_load(&w->stop)) {
            f = (f + 1) % 2;
            w->moved++;
        }
    }
    return NULL;
}

/* ---- the store's view ---- */

static uint64_t store_seq(int k)
{
    char err[ROAM_ERR_MAX];
    ims_store *st = fx_open_store(&fx, err, sizeof err);
    ims_mapping m;
    uint64_t seq = st && ims_store_get(st, hoa[k], &m, NULL, err, sizeof err) == 1 ? m.seq : 0;
    ims_store_close(st);
    return seq;
}

typedef struct history {
    uint64_t last[AGENTS];
    int backwards;
    uint8_t *seen[AGENTS];          /* seen[k][seq] */
} history;

static void on_history(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *arg)
{
    history *h = arg;
    uint8_t a[IMS_ADDR_LEN];
    ims_mapping m;
    if (ims_rec_key_hoa(fx.prefix, k, kl, a) < 0 ||
        ims_rec_decode(v, vl, a, &m, NULL, NULL, 0) < 0)
        return;
    for (int i = 0; i < AGENTS; i++)
        if (memcmp(a, hoa[i], IMS_ADDR_LEN) == 0) {
            if (m.seq == 0)
                continue;   /* the enrollment */
            if (m.seq <= h->last[i])
                h->backwards++;
            h->last[i] = m.seq;
            if (m.seq <= PER_AGENT + 100)
                h->seen[i][m.seq] = 1;
        }
}

/* Wait up to ms for w to hold the store's sequence number of every HoA. */
static int converged(watcher *w, int ms)
{
    int64_t end = roam_now_ms() + ms;
    do {
        int ok = 1;
        for (int k = 0; k < AGENTS; k++)
            ok &= w->seq[k] == store_seq(k);
        if (ok)
            return 1;
        usleep(100000);
    } while (roam_now_ms() < end);
    return 0;
}

static int cmp_ms(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The longest stretch without an acknowledgement from any agent, among
 * those that end after the kill (or from the kill to the first ack). */
static int64_t ack_pause(void)
{
    int64_t all[AGENTS * PER_AGENT + 1];
    size_t n = 0;
    for (int k = 0; k < AGENTS; k++)
        for (size_t i = 0; i < agents[k].nacked; i++)
            all[n++] = agents[k].acked_ms[i];
    all[n++] = killed_ms;
    qsort(all, n, sizeof all[0], cmp_ms);
    int64_t worst = 0;
    for (size_t i = 1; i < n; i++)
        if (all[i] > killed_ms && all[i] - all[i - 1] > worst)
            worst = all[i] - all[i - 1];
    return worst;
}

static void test_leader_kill(void)
{
    watcher w = { .fe_first = 0 };
    pthread_create(&w.th, NULL, watcher_run, &w);
    for (int k = 0; k < AGENTS; k++) {
        agents[k].k = k;
        pthread_create(&agents[k].th, NULL, agent_run, &agents[k]);
    }
    while (atomic_load(&total_acked) < 300)
        usleep(5000);
    int leader = ec_leader(&ec);
    killed_ms = roam_now_ms();
    ec_signal(&ec, leader, SIGKILL);
    tap_ok(leader >= 0, "etcd leader (member %d) killed after %d registrations", leader,
           atomic_load(&total_acked));
    for (int k = 0; k < AGENTS; k++)
        pthread_join(agents[k].th, NULL);
    killed = leader;

    int acked = 0, refused = 0, lost = 0, after = 0;
    for (int k = 0; k < AGENTS; k++) {
        agent *a = &agents[k];
        acked += (int)a->nacked;
        refused += a->refused;
        lost += a->lost;
        for (size_t i = 0; i < a->nacked; i++)
            after += a->acked_ms[i] > killed_ms;
    }
    tap_diag("%d acknowledged, %d refused, %d unanswered of %d", acked, refused, lost,
             AGENTS * PER_AGENT);
    tap_ok(after > 0, "registrations resumed after the leader's death (%d acknowledged since)",
           after);
    int64_t pause = ack_pause();
    tap_diag("write pause at the leader change: %lld ms (longest time without any "
             "acknowledgement after the kill)", (long long)pause);
    tap_ok(pause < 15000, "pause %lld ms under 15 s", (long long)pause);

    history h;
    memset(&h, 0, sizeof h);
    for (int k = 0; k < AGENTS; k++)
        h.seen[k] = calloc(PER_AGENT + 101, 1);
    char from[IMS_KEY_MAX + 1], to[IMS_KEY_MAX + 1];
    snprintf(from, sizeof from, "%shoa/", fx.prefix);
    snprintf(to, sizeof to, "%shoa0", fx.prefix);
    long events = ec_history(&ec, from, to, on_history, &h);
    int missing = 0;
    for (int k = 0; k < AGENTS; k++)
        for (size_t i = 0; i < agents[k].nacked; i++)
            missing += !h.seen[k][agents[k].acked[i]];
    tap_ok(events > 0 && missing == 0, "every acknowledged registration is in etcd's history "
           "(%ld writes, %d missing)", events, missing);
    tap_eq(h.backwards, 0, "no HoA's sequence number went backwards in the history");
    int lastok = 1;
    for (int k = 0; k < AGENTS; k++)
        lastok &= agents[k].nacked == 0 || store_seq(k) >= agents[k].acked[agents[k].nacked - 1];
    tap_ok(lastok, "the store holds each HoA's last acknowledged registration or a later one");
    for (int k = 0; k < AGENTS; k++)
        free(h.seen[k]);

    tap_ok(converged(&w, 5000), "the subscriber ends with the store's mappings");
    tap_eq(w.backwards, 0, "the subscriber was never told an older mapping after a newer one "
           "(%d pushes)", atomic_load(&w.pushes));
    atomic_store(&w.stop, 1);
    pthread_join(w.th, NULL);
}

static void test_frontend_kill(void)
{
    watcher w = { .fe_first = 0 };
    pthread_create(&w.th, NULL, watcher_run, &w);
    usleep(500000);
    fe_kill(&fe[0]);
    /* Registrations go on through the other front-end meanwhile. */
    ims_client *c = connect_to(&fe[1]);
    int ok = c != NULL;
    for (int i = 0; i < 20 && ok; i++)
        ok = reg(c, i % AGENTS, PER_AGENT + 1 + (uint64_t)i, 5000) == 1;
    ims_client_close(c);
    tap_ok(ok, "20 registrations through the other front-end after the kill");
    tap_ok(converged(&w, 5000), "the correspondent moved to the other front-end and holds "
           "exactly the store's mappings");
    tap_ok(w.moved >= 1, "it moved (%d time(s))", w.moved);
    tap_eq(w.backwards, 0, "it was never told an older mapping after a newer one");
    atomic_store(&w.stop, 1);
    pthread_join(w.th, NULL);
}

static void test_partition(void)
{
    /* Three members again: cutting one off must leave a quorum. */
    tap_ok(ec_restart(&ec, killed) == 0, "killed member %d restarted", killed);
    int leader = ec_leader(&ec), cut = -1;
    for (int i = 0; i < ec.n && cut < 0; i++)
        if (i != leader && ec.pid[i] > 0)
            cut = i;
    /* A front-end that knows only the member about to be cut off, and a
     * correspondent on it. */
    int ok = cut >= 0 && fe_start(&fe[2], 2, ec.url[cut]) == 0;
    tap_ok(ok, "front-end on member %d alone", cut);
    if (!ok)
        return;
    ims_client *sub = connect_to(&fe[2]);
    uint64_t id;
    ims_message *m = NULL;
    char err[ROAM_ERR_MAX];
    watcher w = { 0 };
    ok = sub && ims_client_subscribe(sub, (const uint8_t (*)[IMS_ADDR_LEN])hoa, AGENTS, &id,
                                     err, sizeof err) == 0 &&
         ims_client_wait(sub, id, &m, 5000, on_push, &w, err, sizeof err) == 1;
    ims_msg_free(m);
    tap_ok(ok, "correspondent subscribed on that front-end");

    ec_signal(&ec, cut, SIGSTOP);
    ims_client *c1 = connect_to(&fe[1]), *c2 = connect_to(&fe[2]);
    uint64_t seq = store_seq(0) + 1;
    int r1 = c1 ? reg(c1, 0, seq, 8000) : -1;
    tap_eq(r1, 1, "with member %d cut off the other front-end still registers (seq %llu)", cut,
           (unsigned long long)seq);
    int64_t t0 = roam_now_ms();
    int r2 = c2 ? reg(c2, 0, seq + 1, 8000) : -1;
    tap_ok(r2 == 0, "the cut-off member's front-end refuses the write (%s after %lld ms)",
           r2 == 0 ? "refused" : r2 == 1 ? "ACKNOWLEDGED" : "no answer",
           (long long)(roam_now_ms() - t0));
    tap_ok(c1 && reg(c1, 1, store_seq(1) + 1, 8000) == 1, "and the others keep serving");
    /* The member does not come back as it was but restarts on its data:
     * a restarted member serves clients only once it applied the log up
     * to its own start (so the compaction too), and the front-end's watch
     * then finds the history it needs gone. */
    ec_signal(&ec, cut, SIGKILL);
    tap_ok(c1 && reg(c1, 1, store_seq(1) + 1, 8000) == 1 && ec_compact(&ec) == 0,
           "one more registration, then history compacted while the member is away");
    tap_ok(ec_restart(&ec, cut) == 0, "member %d restarted", cut);

    /* The subscriber must end with the store's mappings. */
    int64_t end = roam_now_ms() + 15000;
    int good = 0;
    while (!good && roam_now_ms() < end) {
        if (ims_client_recv(sub, &m, 200, err, sizeof err) == 1) {
            watcher_msg(&w, m);
            ims_msg_free(m);
        }
        good = w.seq[0] == store_seq(0) && w.seq[1] == store_seq(1);
    }
    tap_ok(good, "once the member is back its front-end's subscriber holds the store's mappings");
    tap_ok(fe_log_has(2, "compacted away") && fe_log_has(2, "re-read every subscription"),
           "the front-end logged that history was compacted and that it re-read");
    tap_eq(w.backwards, 0, "and was never told an older mapping after a newer one");
    ims_client_close(c1);
    ims_client_close(c2);
    ims_client_close(sub);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!ec_available()) {
        printf("1..0 # SKIP etcd is not installed\n");
        return 0;
    }
    char err[ROAM_ERR_MAX], priv[300], pub[300], dir[300];
    if (fx_init(&fx) < 0) {
        tap_ok(0, "fixture");
        return tap_done();
    }
    fx_path(&fx, "etcd", dir, sizeof dir);
    int ok = mkdir(dir, 0700) == 0 && ec_start(&ec, dir, 3, 0) == 0;
    tap_ok(ok, "3-member etcd cluster on loopback");
    snprintf(fx.etcd, sizeof fx.etcd, "%s", ec.endpoints);
    fx_path(&fx, "mn.key", priv, sizeof priv);
    fx_path(&fx, "mn.pub", pub, sizeof pub);
    uint8_t raw[IMS_PUBKEY_LEN];
    key = ims_key_generate(priv, pub, err, sizeof err) == 0
              ? ims_key_load_private(priv, err, sizeof err) : NULL;
    ok = ok && key && ims_key_load_public(pub, raw, err, sizeof err) == 0;
    ims_store *st = ok ? fx_open_store(&fx, err, sizeof err) : NULL;
    for (int k = 0; k < AGENTS; k++) {
        char a[64];
        snprintf(a, sizeof a, "2001:db8:d::%x", 0x100 + k);
        ims_addr_parse(a, hoa[k]);
        snprintf(a, sizeof a, "2001:db8:a::%x", 0x100 + k);
        ims_addr_parse(a, moa[k][0]);
        snprintf(a, sizeof a, "2001:db8:b::%x", 0x100 + k);
        ims_addr_parse(a, moa[k][1]);
        ok = ok && st && ims_store_enroll(st, hoa[k], raw, err, sizeof err) == 0;
    }
    ims_store_close(st);
    ok = ok && fe_start(&fe[0], 0, ec.endpoints) == 0 && fe_start(&fe[1], 1, ec.endpoints) == 0;
    tap_ok(ok, "%d HoAs enrolled, two front-ends on the cluster", AGENTS);
    if (ok) {
        test_leader_kill();
        test_frontend_kill();
        test_partition();
    }
    for (int i = 0; i < FRONTENDS; i++)
        fe_kill(&fe[i]);
    ec_stop(&ec);
    EVP_PKEY_free(key);
    fx_done(&fx);
    return tap_done();
}
