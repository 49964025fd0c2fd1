/* Connection pools (conn_limit.h): sources keyed by IPv4 address or IPv6
 * /64, per-source caps, the startup/session split, MaxStartups-style early
 * drop and its configuration syntax. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "conn_limit.h"
#include "errbuf.h"
#include "tap.h"

static void key6(const char *a, uint8_t k[ROAM_SOURCE_KEY_LEN])
{
    struct sockaddr_in6 s = { .sin6_family = AF_INET6 };
    inet_pton(AF_INET6, a, &s.sin6_addr);
    roam_source_key((struct sockaddr *)&s, k);
}

static void key4(const char *a, uint8_t k[ROAM_SOURCE_KEY_LEN])
{
    struct sockaddr_in s = { .sin_family = AF_INET };
    inet_pton(AF_INET, a, &s.sin_addr);
    roam_source_key((struct sockaddr *)&s, k);
}

int main(void)
{
    uint8_t a[16], b[16], c[16], d[16];
    key6("2001:db8:1:2::1", a);
    key6("2001:db8:1:2:ffff:1:2:3", b);
    key6("2001:db8:1:3::1", c);
    tap_ok(memcmp(a, b, 16) == 0, "two addresses of one /64: one source");
    tap_ok(memcmp(a, c, 16) != 0, "the next /64: another source");
    key4("192.0.2.7", a);
    key6("::ffff:192.0.2.7", b);
    key4("192.0.2.8", c);
    tap_ok(memcmp(a, b, 16) == 0, "IPv4 and its v4-mapped form: one source");
    tap_ok(memcmp(a, c, 16) != 0, "IPv4: each address its own source");

    struct roam_pool_limits l = { .startups = { 3, 100, 3 }, .sessions = 2, .per_source = 2,
                                  .per_source_sessions = 1 };
    roam_pool *p = roam_pool_new(&l);
    const char *why = "";
    key6("2001:db8:1:2::1", a);
    key6("2001:db8:1:2::99", b);
    key6("2001:db8:9::1", c);
    key6("2001:db8:8::1", d);
    tap_ok(roam_pool_admit(p, a, &why) == 0 && roam_pool_admit(p, b, &why) == 0,
           "two connections from one /64 admitted");
    tap_ok(roam_pool_admit(p, a, &why) < 0 && strstr(why, "source"),
           "a third from that /64 refused (%s)", why);
    tap_eq(roam_pool_admit(p, c, &why), 0, "another /64 admitted");
    tap_ok(roam_pool_admit(p, d, &why) < 0 && strstr(why, "handshakes"),
           "beyond full (3 handshakes): refused (%s)", why);
    tap_ok(roam_pool_promote(p, a) == 0 && roam_pool_promote(p, c) == 0,
           "two handshakes finish: sessions");
    tap_ok(roam_pool_promote(p, b) < 0, "a third finds the sessions full");
    roam_pool_release(p, b, 0);
    int st, se;
    roam_pool_counts(p, &st, &se);
    tap_ok(st == 0 && se == 2, "counts: %d startups, %d sessions", st, se);
    tap_ok(roam_pool_admit(p, b, &why) == 0, "the /64 has one session: one more admitted");
    tap_ok(roam_pool_admit(p, b, &why) < 0, "sessions count against the client's cap");
    roam_pool_release(p, a, 1);
    roam_pool_release(p, c, 1);
    roam_pool_release(p, b, 0);
    roam_pool_counts(p, &st, &se);
    tap_ok(st == 0 && se == 0, "all released");
    roam_pool_free(p);

    l.per_source_sessions = 0;
    l.per_source = 1;
    p = roam_pool_new(&l);
    tap_ok(roam_pool_admit(p, a, &why) == 0 && roam_pool_promote(p, a) == 0 &&
           roam_pool_admit(p, a, &why) == 0,
           "peers: sessions do not count against the per-source cap");
    roam_pool_free(p);

    struct roam_startups m;
    char err[ROAM_ERR_MAX];
    tap_ok(roam_startups_parse("10:30:60", &m, err, sizeof err) == 0 && m.start == 10 &&
           m.rate == 30 && m.full == 60, "10:30:60 parses");
    tap_ok(roam_startups_parse("8", &m, err, sizeof err) == 0 && m.start == 8 && m.full == 8 &&
           m.rate == 100, "a single number N is N:100:N");
    tap_ok(roam_startups_parse("10:30", &m, err, sizeof err) < 0 &&
           roam_startups_parse("60:30:10", &m, err, sizeof err) < 0 &&
           roam_startups_parse("1:0:2", &m, err, sizeof err) < 0 &&
           roam_startups_parse("3:30:4x", &m, err, sizeof err) < 0,
           "malformed or inconsistent values refused (%s)", err);
    m = (struct roam_startups){ 10, 30, 60 };
    tap_ok(roam_startups_drop_pct(&m, 9) == 0 && roam_startups_drop_pct(&m, 10) == 30 &&
           roam_startups_drop_pct(&m, 35) == 65 && roam_startups_drop_pct(&m, 60) == 100,
           "early drop: 0 below start, rate at start, rising linearly, 100 at full");
    return tap_done();
}
