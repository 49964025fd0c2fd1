/* roam-ims's store requests (src/mobility/ims_sep_msg.h): every message
 * type round trips, every malformed one is refused with a reason; and the
 * network process's store (ims_store_open_remote) against a store process
 * loop (ims_sep_store_serve) on a real SQLite file: get, the
 * compare-and-set update, the feed, what only the store process may do,
 * and a request the codec refuses ending the service; on etcd, another
 * front-end's commit reaching the network process through the store
 * process's change feed. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"
#include "etcd_cluster.h"
#include "ims_sep_msg.h"
#include "ims_sep_store.h"
#include "ims_store.h"
#include "tap.h"

static ims_sep_msg a, b;
static uint8_t buf[IMS_SEP_MSG_MAX + 8];

static void addr(uint8_t out[IMS_ADDR_LEN], uint8_t last)
{
    static const uint8_t pre[] = { 0x20, 0x01, 0x0d, 0xb8 };
    memset(out, 0, IMS_ADDR_LEN);
    memcpy(out, pre, sizeof pre);
    out[15] = last;
}

static void mapping(ims_mapping *m, uint8_t hoa, size_t n)
{
    memset(m, 0, sizeof *m);
    addr(m->hoa, hoa);
    m->seq = 0x0102030405060708ull;
    m->updated_ms = 1764979200123;
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        addr(m->b[i].moa, (uint8_t)(0x40 + i));
        m->b[i].state = i == 0 ? IMS_ACTIVE : IMS_STANDBY;
    }
}

/* Encode a, decode it (as a request or not), compare with a. */
static void round_trip(const char *what, int request)
{
    char err[ROAM_ERR_MAX] = "";
    int n = ims_sep_encode(&a, buf, sizeof buf);
    int rc = n > 0 ? ims_sep_decode(buf, (size_t)n, request, &b, err, sizeof err) : -1;
    tap_ok(rc == 0 && memcmp(&a, &b, sizeof a) == 0, "%s round trips (%d bytes) %s", what, n,
           err);
}

/* buf[0..len) must be refused, with a reason containing why. */
static void refused(size_t len, int request, const char *why, const char *what)
{
    char err[ROAM_ERR_MAX] = "";
    int rc = ims_sep_decode(buf, len, request, &b, err, sizeof err);
    tap_ok(rc < 0 && strstr(err, why) != NULL, "refused: %s (%s)", what, err);
}

static size_t enc(void)
{
    int n = ims_sep_encode(&a, buf, sizeof buf);
    return n > 0 ? (size_t)n : 0;
}

static void codec(void)
{
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_GET;
    addr(a.hoa, 0x10);
    round_trip("GET", 1);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_UPDATE;
    mapping(&a.m, 0x10, IMS_MAX_BINDINGS);
    round_trip("UPDATE with 8 bindings", 1);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_WATCH;
    round_trip("WATCH", 1);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_GOT;
    a.rc = 1;
    mapping(&a.m, 0x10, 2);
    memset(a.pub, 0xab, sizeof a.pub);
    round_trip("GOT (found)", 0);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_GOT;
    round_trip("GOT (not enrolled)", 0);
    a.rc = -1;
    snprintf(a.err, sizeof a.err, "database is locked");
    round_trip("GOT (error)", 0);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_UPDATED;
    a.m.updated_ms = 42;
    round_trip("UPDATED (stored)", 0);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_UPDATED;
    a.rc = 1;
    a.current = UINT64_MAX;
    round_trip("UPDATED (stale)", 0);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_UPDATED;
    a.rc = 2;
    snprintf(a.err, sizeof a.err, "2001:db8::41 is another HoA's");
    round_trip("UPDATED (taken)", 0);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_WATCHING;
    a.feed = 1;
    round_trip("WATCHING", 0);
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_CHANGES;
    a.resync = 1;
    a.n_changes = IMS_SEP_FEED_MAX;
    for (size_t i = 0; i < a.n_changes; i++) {
        mapping(&a.changes[i].m, (uint8_t)i, i % (IMS_MAX_BINDINGS + 1));
        a.changes[i].known = i % 3 != 0;
    }
    round_trip("CHANGES, a full batch", 0);
    tap_ok(enc() <= IMS_SEP_MSG_MAX, "a full batch fits IMS_SEP_MSG_MAX (%zu)", enc());

    /* Refusals. */
    refused(0, 1, "empty", "an empty message");
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_GET;
    size_t n = enc();
    refused(n - 1, 1, "cut short", "a GET one byte short");
    buf[n] = 0;
    refused(n + 1, 1, "trailing", "a GET with a trailing byte");
    refused(n, 0, "not a reply", "a GET where a reply is due");
    buf[0] = 0x7e;
    refused(n, 1, "unknown type", "an unknown request type");
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_WATCHING;
    n = enc();
    refused(n, 1, "not a request", "a reply sent as a request");
    buf[1] = 3;
    refused(n, 0, "out of range", "a result code out of range");
    buf[1] = 0;
    buf[2] = 2;
    refused(n, 0, "not 0 or 1", "a feed flag of 2");
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_UPDATE;
    mapping(&a.m, 0x10, 2);
    n = enc();
    size_t count_at = 1 + IMS_ADDR_LEN + 16;
    buf[count_at] = IMS_MAX_BINDINGS + 1;
    refused(n, 1, "at most", "more bindings than IMS_MAX_BINDINGS");
    buf[count_at] = 2;
    buf[count_at + 1 + IMS_ADDR_LEN] = 7;
    refused(n, 1, "bindings", "an unknown binding state");
    buf[count_at + 1 + IMS_ADDR_LEN] = IMS_ACTIVE;
    buf[count_at + 1 + 2 * IMS_ADDR_LEN + 1] = IMS_ACTIVE;
    refused(n, 1, "bindings", "two active bindings");
    buf[count_at + 1 + 2 * IMS_ADDR_LEN + 1] = IMS_STANDBY;
    memcpy(buf + count_at + 1 + IMS_ADDR_LEN + 1, buf + count_at + 1, IMS_ADDR_LEN);
    refused(n, 1, "bindings", "the same mobile address twice");
    mapping(&a.m, 0x10, 1);
    n = enc();
    memset(buf + count_at + 1, 0, IMS_ADDR_LEN);
    refused(n, 1, "bindings", "a mobile address of ::");
    n = enc();
    buf[1 + IMS_ADDR_LEN + 8] = 0x80;
    refused(n, 1, "update time", "an update time beyond INT64_MAX");
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_GOT;
    a.rc = -1;
    snprintf(a.err, sizeof a.err, "oops");
    n = enc();
    buf[4] = '\n';
    refused(n, 0, "control character", "a control character in the error text");
    buf[2] = 0;
    refused(3, 0, "empty error", "empty error text");
    buf[2] = 9;
    refused(n, 0, "cut short", "error text longer than the message");
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_CHANGES;
    n = enc();
    buf[2] = IMS_SEP_FEED_MAX + 1;
    refused(n, 0, "at most", "more changes than IMS_SEP_FEED_MAX");
    buf[1] = 2;
    refused(n, 0, "not 0 or 1", "a resync flag of 2");
    memset(buf, 0, sizeof buf);
    buf[0] = IMS_SEP_CHANGES;
    refused(IMS_SEP_MSG_MAX + 1, 0, "at most", "a message over IMS_SEP_MSG_MAX");

    /* What decode would refuse, encode refuses too. */
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_UPDATE;
    mapping(&a.m, 0x10, 2);
    a.m.b[1].state = IMS_ACTIVE;
    tap_ok(ims_sep_encode(&a, buf, sizeof buf) < 0, "encode refuses two active bindings");
    a.type = IMS_SEP_WATCHING;
    a.feed = 2;
    tap_ok(ims_sep_encode(&a, buf, sizeof buf) < 0, "encode refuses a feed flag of 2");
    memset(&a, 0, sizeof a);
    a.type = IMS_SEP_GOT;
    a.rc = -1;
    a.err[0] = '\t';
    n = enc();
    tap_ok(n == 4 && buf[3] == '?', "encode replaces control characters in error text");
}

struct store_thread {
    ims_store *st;
    int req, feed, rc;
    char err[ROAM_ERR_MAX];
};

static void *serve_thread(void *arg)
{
    struct store_thread *t = arg;
    t->rc = ims_sep_store_serve(t->st, t->req, t->feed, t->err, sizeof t->err);
    return NULL;
}

static int start(struct store_thread *t, pthread_t *th, ims_store *st, int *req, int *feed)
{
    int r[2], f[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r) < 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f) < 0)
        return -1;
    memset(t, 0, sizeof *t);
    t->st = st;
    t->req = r[0];
    t->feed = f[0];
    *req = r[1];
    *feed = f[1];
    return pthread_create(th, NULL, serve_thread, t);
}

static void processes(void)
{
    char dir[] = "/tmp/roam-ims-sep.XXXXXX", path[64], err[ROAM_ERR_MAX] = "";
    if (!mkdtemp(dir)) {
        tap_ok(0, "temporary directory");
        return;
    }
    snprintf(path, sizeof path, "%s/ims.sqlite", dir);
    ims_store *st = ims_store_open(path, err, sizeof err);
    uint8_t hoa[IMS_ADDR_LEN], other[IMS_ADDR_LEN], pub[IMS_PUBKEY_LEN], got_pub[IMS_PUBKEY_LEN];
    addr(hoa, 0x10);
    addr(other, 0x11);
    memset(pub, 0x5a, sizeof pub);
    tap_ok(st && ims_store_enroll(st, hoa, pub, err, sizeof err) == 0 &&
               ims_store_enroll(st, other, pub, err, sizeof err) == 0,
           "SQLite store with two HoAs enrolled %s", err);
    if (!st)
        return;
    struct store_thread t;
    pthread_t th;
    int req, feed;
    tap_ok(start(&t, &th, st, &req, &feed) == 0, "store process loop started");
    ims_store *rs = ims_store_open_remote(req, feed, err, sizeof err);
    tap_ok(rs != NULL, "the network process's store %s", err);
    if (!rs)
        return;
    tap_ok(ims_store_watch_start(rs, err, sizeof err) == 0 && ims_store_watch_fd(rs) == -1,
           "watch starts; SQLite has no change feed %s", err);
    ims_mapping m;
    tap_eq(ims_store_get(rs, hoa, &m, got_pub, err, sizeof err), 1, "get: enrolled %s", err);
    tap_ok(memcmp(got_pub, pub, sizeof pub) == 0 && m.seq == 0 && m.n == 0,
           "get: its key, sequence 0, no bindings");
    uint8_t unknown[IMS_ADDR_LEN];
    addr(unknown, 0x99);
    tap_eq(ims_store_get(rs, unknown, &m, NULL, err, sizeof err), 0, "get: not enrolled");
    mapping(&m, 0x10, 2);
    m.seq = 5;
    m.updated_ms = 0;
    uint64_t cur = 0;
    tap_eq(ims_store_update(rs, &m, &cur, err, sizeof err), 0, "update: stored %s", err);
    tap_ok(m.updated_ms > 0, "update: the store's time comes back (%lld)",
           (long long)m.updated_ms);
    m.seq = 4;
    tap_eq(ims_store_update(rs, &m, &cur, err, sizeof err), 1, "update: stale");
    tap_eq(cur, (uint64_t)5, "update: the stored sequence number comes back");
    mapping(&m, 0x11, 1);
    m.seq = 1;
    err[0] = '\0';
    tap_eq(ims_store_update(rs, &m, &cur, err, sizeof err), 2,
           "update: a MoA of another HoA is refused (%s)", err);
    ims_mapping back;
    tap_ok(ims_store_get(st, hoa, &back, NULL, err, sizeof err) == 1 && back.seq == 5 &&
               back.n == 2,
           "the store process's store holds the update");
    tap_ok(ims_store_enroll(rs, unknown, pub, err, sizeof err) < 0 &&
               ims_store_revoke(rs, hoa, err, sizeof err) < 0,
           "enroll and revoke are the store process's alone (%s)", err);
    ims_store_close(rs);
    pthread_join(th, NULL);
    tap_eq(t.rc, 0, "the store process loop ends when the network process hangs up");
    close(t.req);
    close(t.feed);

    /* A request the codec refuses ends the service, with the reason. */
    tap_ok(start(&t, &th, st, &req, &feed) == 0, "store process loop started again");
    const uint8_t bad[] = { IMS_SEP_GET, 1, 2, 3 };
    ssize_t w = send(req, bad, sizeof bad, 0);
    pthread_join(th, NULL);
    tap_ok(w == (ssize_t)sizeof bad && t.rc < 0 && strstr(t.err, "refused") != NULL,
           "a malformed request ends the store process's service (%s)", t.err);
    close(req);
    close(feed);
    close(t.req);
    close(t.feed);
    ims_store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
}

/* Etcd: front-end B commits; A's network process hears it through A's
 * store process, and A's updates through it reach B. */
static void feed(void)
{
    if (!ec_available()) {
        tap_skip("no etcd binary: the change feed through the store process");
        return;
    }
    static etcd_cluster c;
    char dir[] = "/tmp/roam-ims-sep-etcd.XXXXXX", err[ROAM_ERR_MAX] = "";
    if (!mkdtemp(dir) || ec_start(&c, dir, 1, 0) < 0) {
        tap_ok(0, "a one-member etcd cluster");
        return;
    }
    ims_etcd_config cfg = { .endpoints = c.endpoints, .prefix = "/roam-test-sep/",
                            .timeout_ms = 2000 };
    ims_store *sa = ims_store_open_etcd(&cfg, err, sizeof err);
    ims_store *sb = sa ? ims_store_open_etcd(&cfg, err, sizeof err) : NULL;
    uint8_t hoa[IMS_ADDR_LEN], pub[IMS_PUBKEY_LEN];
    addr(hoa, 0x20);
    memset(pub, 0x33, sizeof pub);
    tap_ok(sb && ims_store_enroll(sb, hoa, pub, err, sizeof err) == 0,
           "two front-ends' stores on one cluster, a HoA enrolled %s", err);
    struct store_thread t;
    pthread_t th;
    int req, fd;
    ims_store *rs = NULL;
    if (sb && start(&t, &th, sa, &req, &fd) == 0)
        rs = ims_store_open_remote(req, fd, err, sizeof err);
    tap_ok(rs && ims_store_watch_start(rs, err, sizeof err) == 0 && ims_store_watch_fd(rs) >= 0,
           "A's network process starts the feed through A's store process %s", err);
    if (!rs) {
        ec_stop(&c);
        return;
    }
    ims_mapping m;
    mapping(&m, 0x20, 2);
    m.seq = 3;
    uint64_t cur;
    tap_eq(ims_store_update(sb, &m, &cur, err, sizeof err), 0, "B stores seq 3 %s", err);
    ims_change ch[64];
    size_t n = 0;
    int lost = 0;
    for (int i = 0; i < 50 && n == 0; i++) {
        struct pollfd p = { ims_store_watch_fd(rs), POLLIN, 0 };
        if (poll(&p, 1, 100) > 0)
            n = ims_store_watch_take(rs, ch, 64, &lost);
    }
    tap_ok(n >= 1 && ch[n - 1].known && ch[n - 1].m.seq == 3 &&
               memcmp(ch[n - 1].m.hoa, hoa, IMS_ADDR_LEN) == 0 && ch[n - 1].m.n == 2,
           "A's network process hears B's commit (%zu change(s))", n);
    m.seq = 4;
    ims_mapping back;
    tap_ok(ims_store_update(rs, &m, &cur, err, sizeof err) == 0 &&
               ims_store_get(sb, hoa, &back, NULL, err, sizeof err) == 1 && back.seq == 4,
           "A's network process's update reaches B %s", err);
    ims_store_close(rs);
    pthread_join(th, NULL);
    tap_eq(t.rc, 0, "A's store process loop ends with its network process");
    close(t.req);
    close(t.feed);
    ims_store_close(sa);
    ims_store_close(sb);
    ec_stop(&c);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
}

int main(void)
{
    codec();
    processes();
    feed();
    return tap_done();
}
