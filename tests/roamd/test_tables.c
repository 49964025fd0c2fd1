/* Admission table (single use, expiry, binding to vm and src, bounds) and
 * the per-address challenge rate limit. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admission.h"
#include "deadline.h"
#include "errbuf.h"
#include "ratelimit.h"
#include "tap.h"

static char err[ROAM_ERR_MAX];

/* The qemu hook's claim: only after the source's AdmissionQuery took the
 * admission, once, within its lifetime, never after a rollback. */
static void test_claims(void)
{
    roamd_admissions *t = roamd_admissions_new(60000);
    uint8_t q1[16] = { 0x11 }, q2[16] = { 0x12 }, q3[16] = { 0x13 };
    tap_ok(roamd_admission_claim(t, "vm", 1000, NULL, 0, NULL, err, sizeof err) < 0 &&
           strstr(err, "no admission for vm"), "claim without admission refused (%s)", err);
    roamd_admission_add(t, "vm", "src-a", q1, 1000, err, sizeof err);
    tap_ok(roamd_admission_claim(t, "vm", 1001, NULL, 0, NULL, err, sizeof err) < 0 &&
           strstr(err, "not taken"), "claim before the AdmissionQuery refused (%s)", err);
    roamd_admission_take(t, "vm", "src-a", q1, 1002, err, sizeof err);
    tap_ok(roamd_admission_claim(t, "other", 1003, NULL, 0, NULL, err, sizeof err) < 0,
           "claim for another VM refused");
    char src[64];
    uint8_t q[16];
    tap_ok(roamd_admission_claim(t, "vm", 1003, src, sizeof src, q, err, sizeof err) == 0 &&
           strcmp(src, "src-a") == 0 && memcmp(q, q1, 16) == 0,
           "claim after the AdmissionQuery granted, with its source and query id");
    tap_ok(roamd_admission_claim(t, "vm", 1004, NULL, 0, NULL, err, sizeof err) < 0 &&
           strstr(err, "already used"), "second claim refused (%s)", err);
    roamd_admission_add(t, "vm2", "src-a", q2, 2000, err, sizeof err);
    roamd_admission_take(t, "vm2", "src-a", q2, 2001, err, sizeof err);
    tap_ok(roamd_admission_claim(t, "vm2", 62000, NULL, 0, NULL, err, sizeof err) < 0,
           "claim after the lifetime refused (%s)", err);
    roamd_admission_add(t, "vm3", "src-a", q3, 70000, err, sizeof err);
    roamd_admission_take(t, "vm3", "src-a", q3, 70001, err, sizeof err);
    roamd_admission_drop(t, q3);
    tap_ok(roamd_admission_claim(t, "vm3", 70002, NULL, 0, NULL, err, sizeof err) < 0,
           "claim of a rolled-back admission refused (%s)", err);
    roamd_admissions_free(t);
}

static void test_admissions(void)
{
    roamd_admissions *t = roamd_admissions_new(60000);
    uint8_t q1[16] = { 1 }, q2[16] = { 2 };
    tap_eq(roamd_admission_add(t, "vm", "src-a", q1, 1000, err, sizeof err), 0, "admit");
    tap_ok(roamd_admission_add(t, "vm", "src-a", q1, 1001, err, sizeof err) < 0,
           "same query id twice refused (%s)", err);
    tap_ok(roamd_admission_take(t, "vm", "src-a", q2, 1002, err, sizeof err) < 0 &&
           strstr(err, "no admission"), "wrong query id refused (%s)", err);
    tap_ok(roamd_admission_take(t, "other", "src-a", q1, 1002, err, sizeof err) < 0 &&
           strstr(err, "another VM"), "wrong vm refused (%s)", err);
    tap_ok(roamd_admission_take(t, "vm", "src-x", q1, 1002, err, sizeof err) < 0,
           "wrong source refused");
    tap_eq(roamd_admission_take(t, "vm", "src-a", q1, 1003, err, sizeof err), 0,
           "right (vm, src, query id) consumed");
    tap_ok(roamd_admission_take(t, "vm", "src-a", q1, 1004, err, sizeof err) < 0 &&
           strstr(err, "already used"), "second use refused (%s)", err);
    tap_eq(roamd_admission_add(t, "vm", "src-a", q2, 2000, err, sizeof err), 0, "admit another");
    tap_ok(roamd_admission_take(t, "vm", "src-a", q2, 62000, err, sizeof err) < 0,
           "expired after the lifetime (%s)", err);
    tap_ok(roamd_admission_add(t, "vm", "src-a", q2, 62001, err, sizeof err) == 0 &&
           roamd_admission_count(t, 62001) == 1, "expired entries swept");
    roamd_admission_drop(t, q2);
    tap_ok(roamd_admission_take(t, "vm", "src-a", q2, 62002, err, sizeof err) < 0 &&
           strstr(err, "already used"), "dropped admission unusable (%s)", err);
    tap_eq(roamd_admission_count(t, 62001 + 60000), 0, "and gone after its lifetime");
    /* One client (a /64) holds at most ROAMD_ADMISSIONS_PER_CLIENT. */
    char ka[ROAMD_CLIENT_KEY_MAX], kb[ROAMD_CLIENT_KEY_MAX], kc[ROAMD_CLIENT_KEY_MAX];
    roamd_client_key("2001:db8:0:7::1", ka);
    roamd_client_key("2001:db8:0:7:ffff::9", kb);
    roamd_client_key("2001:db8:0:8::1", kc);
    tap_ok(strcmp(ka, "2001:db8:0:7::/64") == 0 && strcmp(ka, kb) == 0 && strcmp(ka, kc) != 0,
           "client key: the /64 (%s)", ka);
    roamd_client_key("192.0.2.1", kc);
    tap_ok(strcmp(kc, "192.0.2.1") == 0, "client key: IPv4 as given");
    int held = 0;
    for (unsigned i = 0; i < ROAMD_ADMISSIONS_PER_CLIENT + 5; i++) {
        uint8_t q[16] = { 0xcc, (uint8_t)i };
        held += roamd_admission_add_for(t, i % 2 ? ka : kb, "vm", "src-a", q, 200000, err,
                                        sizeof err) == 0;
    }
    tap_ok(held == ROAMD_ADMISSIONS_PER_CLIENT && strstr(err, "too many admissions held by "
                                                        "2001:db8:0:7::/64"),
           "one /64 holds at most %d admissions (%d; %s)", ROAMD_ADMISSIONS_PER_CLIENT, held, err);
    uint8_t qo[16] = { 0xcd };
    tap_eq(roamd_admission_add_for(t, kc, "vm", "src-a", qo, 200000, err, sizeof err), 0,
           "another client is still admitted (%s)", err);
    tap_eq(roamd_admission_count(t, 200000 + 60000), 0, "all expire");
    int full = 0;
    for (unsigned i = 0; i < ROAMD_ADMISSIONS_MAX + 1; i++) {
        uint8_t q[16] = { 0 };
        memcpy(q + 8, &i, sizeof i);
        q[0] = 9;
        if (roamd_admission_add(t, "vm", "s", q, 70000, err, sizeof err) < 0)
            full++;
    }
    tap_ok(full == 1 && strstr(err, "full"), "table bounded at %d (%s)", ROAMD_ADMISSIONS_MAX, err);
    tap_eq(roamd_admission_count(t, 70000 + 60000), 0, "all expire");
    char longname[400];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    tap_ok(roamd_admission_add(t, longname, "s", q1, 1, err, sizeof err) < 0, "long name refused");
    roamd_admissions_free(t);
}

/* The destination holds an AdmissionQuery that came before the client's
 * accept authentication ended: it takes the admission recorded meanwhile,
 * and gives up after its bound when none comes. */
struct late_add {
    roamd_admissions *t;
    uint8_t qid[16];
    int refuse;   /* the authentication ends without an admission */
    int begin;    /* it begins 150 ms in (and ends 150 ms later) */
};

static void *add_later(void *arg)
{
    struct late_add *a = arg;
    char why[ROAM_ERR_MAX];
    struct timespec ts = { 0, 150 * 1000000L };
    nanosleep(&ts, NULL);
    if (a->begin) {
        roamd_admission_expect(a->t, a->qid, roam_now_ms());
        nanosleep(&ts, NULL);
    }
    if (a->refuse) {
        roamd_admission_expect_end(a->t, a->qid);
        return NULL;
    }
    roamd_admission_add(a->t, "vm", "src-a", a->qid, roam_now_ms(), why, sizeof why);
    return NULL;
}

/* Take x's admission, waiting up to wait_ms, while add_later(x) runs on a
 * thread (x's authentication begun first unless x->begin); *took: ms. */
static int take_while(struct late_add *x, int wait_ms, long long *took)
{
    pthread_t th;
    int64_t t0 = roam_now_ms();
    if (!x->begin)
        roamd_admission_expect(x->t, x->qid, t0);
    int made = pthread_create(&th, NULL, add_later, x) == 0;
    int r = roamd_admission_take_wait(x->t, "vm", "src-a", x->qid, wait_ms, err, sizeof err);
    *took = (long long)(roam_now_ms() - t0);
    if (made)
        pthread_join(th, NULL);
    return r;
}

/* Without a thread: how a take of qid ends after waiting up to wait_ms. */
static int take_alone(roamd_admissions *t, const uint8_t qid[16], int wait_ms, long long *took)
{
    int64_t t0 = roam_now_ms();
    int r = roamd_admission_take_wait(t, "vm", "src-a", qid, wait_ms, err, sizeof err);
    *took = (long long)(roam_now_ms() - t0);
    return r;
}

static void test_admission_wait(void)
{
    long long took;
    struct late_add a = { .t = roamd_admissions_new(60000), .qid = { 7 } };
    int r = take_while(&a, 2000, &took);
    tap_ok(r == 0 && took >= 140 && took < 1500,
           "a query waiting for its admission takes it when it is recorded 150 ms later "
           "(%lld ms)", took);
    roamd_admission_expect_end(a.t, a.qid);
    r = take_alone(a.t, a.qid, 2000, &took);
    tap_ok(r < 0 && strstr(err, "already used") && took < 100,
           "a used admission is refused at once, without waiting (%s, %lld ms)", err, took);
    uint8_t none[16] = { 8 };
    r = take_alone(a.t, none, 300, &took);
    tap_ok(r < 0 && strstr(err, "no admission") && took >= 290 && took < 1500,
           "a query whose authentication never begins here is refused after its bound (%lld ms)",
           took);
    /* The client's connection here slower than the source's: the query
     * comes before the authentication begins, and takes its admission. */
    struct late_add c = { .t = a.t, .qid = { 10 }, .begin = 1 };
    r = take_while(&c, 2000, &took);
    tap_ok(r == 0 && took >= 290 && took < 1500,
           "a query that came before its authentication began takes the admission (%lld ms)",
           took);
    struct late_add d = { .t = a.t, .qid = { 11 }, .begin = 1, .refuse = 1 };
    r = take_while(&d, 2000, &took);
    tap_ok(r < 0 && took >= 290 && took < 1500,
           "... and is refused when it ends without one, at once (%lld ms)", took);
    roamd_admission_expect(a.t, none, roam_now_ms());
    r = take_alone(a.t, none, 300, &took);
    tap_ok(r < 0 && strstr(err, "no admission") && took >= 290 && took < 1500,
           "a query whose admission never comes is refused after its bound (%s, %lld ms)", err,
           took);
    struct late_add b = { .t = a.t, .qid = { 9 }, .refuse = 1 };
    r = take_while(&b, 2000, &took);
    tap_ok(r < 0 && took >= 140 && took < 1500,
           "a refused authentication ends the wait at once (%lld ms)", took);
    roamd_admissions_free(a.t);
}

static void test_rate(void)
{
    roamd_ratelimit *r = roamd_ratelimit_new(3);
    int ok = 0;
    for (int i = 0; i < 5; i++)
        ok += roamd_ratelimit_allow(r, "2001:db8::1", 1000);
    tap_eq(ok, 3, "burst of 3 per minute allowed, then refused (%d)", ok);
    tap_ok(roamd_ratelimit_allow(r, "2001:db8:0:1::2", 1000), "other address has its own bucket");
    tap_ok(!roamd_ratelimit_allow(r, "2001:db8::ffff:2", 1000),
           "another address in the same /64 shares the bucket");
    tap_ok(!roamd_ratelimit_allow(r, "2001:db8::1", 10000), "no refill after 9 s");
    tap_ok(roamd_ratelimit_allow(r, "2001:db8::1", 21000), "one token back after 20 s");
    /* Many addresses: the table stays bounded, new ones still get served. */
    char a[64];
    int served = 0;
    for (int i = 0; i < ROAMD_RATE_ADDRS + 100; i++) {
        snprintf(a, sizeof a, "10.0.%d.%d", i / 256, i % 256);
        served += roamd_ratelimit_allow(r, a, 30000 + i);
    }
    tap_eq(served, ROAMD_RATE_ADDRS + 100, "LRU eviction keeps serving new addresses");
    roamd_ratelimit_free(r);
}

int main(void)
{
    test_admissions();
    test_claims();
    test_admission_wait();
    test_rate();
    return tap_done();
}
