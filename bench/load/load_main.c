/* roam-load: full authentications under load against one roamd (the
 * daemon's accept role, dry runs), with hostile connections held open at
 * the same time.  Reports authentications per second, latency quantiles,
 * the daemon's CPU time per authentication and its resident set over the
 * run (sampled every second from /proc), and this program's own CPU time
 * per authentication (it shares the machine with the daemon).  Prints a
 * table, then the same as one CSV line; --csv writes the per-second
 * series.  bench/load/run sets up a daemon and runs this. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli_common.h"
#include "deadline.h"
#include "hostport.h"
#include "load.h"

struct opts {
    const char *connect, *ca, *mpk, *key, *dst, *vm, *csv;
    int duration, users, idle, slowloris, stall, sources, settle, pid, timeout_ms, trickle_ms;
    int expect_ok;
    long max_rss_kb, max_growth_kb;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: roam-load --connect 127.0.0.1:PORT --ca FILE --mpk FILE --key FILE\n"
            "                 [--dst NAME] [--vm NAME] [--pid ROAMD_PID] [--duration S]\n"
            "                 [--concurrency N] [--idle N | --slowloris N | --stall N]\n"
            "                 [--sources N] [--trickle-ms MS] [--settle S] [--timeout-ms MS]\n"
            "                 [--csv FILE]\n"
            "                 [--expect-all-ok] [--max-rss-kb KB] [--max-rss-growth-kb KB]\n"
            "Each of N users (from its own source 127.1.x.y) runs full dry-run accept\n"
            "authentications back to back for S seconds.  --idle, --slowloris (a byte per\n"
            "--trickle-ms) or --stall (a whole ClientHello, then nothing) hold that many\n"
            "connections open from --sources sources 127.2.x.y (default: enough that each\n"
            "holds 4), opened --settle seconds before the users start.  Exit 1 when a\n"
            "check fails: --expect-all-ok, --max-rss-kb (the daemon's peak, VmHWM),\n"
            "--max-rss-growth-kb (that peak over its RSS before any connection).\n");
}

static int num(const char *s, int lo, int hi, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "roam-load: %s must be a number in %d..%d, not '%s'\n", what, lo, hi, s);
        exit(2);
    }
    return (int)v;
}

static void parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        { "connect", 1, 0, 'c' }, { "ca", 1, 0, 'C' }, { "mpk", 1, 0, 'm' },
        { "key", 1, 0, 'k' }, { "dst", 1, 0, 'D' }, { "vm", 1, 0, 'v' },
        { "pid", 1, 0, 'p' }, { "duration", 1, 0, 'd' }, { "concurrency", 1, 0, 'n' },
        { "idle", 1, 0, 'i' }, { "slowloris", 1, 0, 's' }, { "stall", 1, 0, 'x' }, { "sources", 1, 0, 'S' },
        { "trickle-ms", 1, 0, 't' }, { "settle", 1, 0, 'w' }, { "timeout-ms", 1, 0, 'T' },
        { "csv", 1, 0, 'o' }, { "expect-all-ok", 0, 0, 'e' }, { "max-rss-kb", 1, 0, 'r' },
        { "max-rss-growth-kb", 1, 0, 'g' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 }
    };
    *o = (struct opts){ .dst = "127.0.0.1", .vm = "vm1", .duration = 10, .users = 8,
                        .settle = 2, .timeout_ms = 5000, .trickle_ms = 1000 };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'c': o->connect = optarg; break;
        case 'C': o->ca = optarg; break;
        case 'm': o->mpk = optarg; break;
        case 'k': o->key = optarg; break;
        case 'D': o->dst = optarg; break;
        case 'v': o->vm = optarg; break;
        case 'p': o->pid = num(optarg, 1, 1 << 30, "--pid"); break;
        case 'd': o->duration = num(optarg, 1, LOAD_MAX_SECONDS - 60, "--duration"); break;
        case 'n': o->users = num(optarg, 1, LOAD_MAX_USERS, "--concurrency"); break;
        case 'i': o->idle = num(optarg, 0, LOAD_MAX_HELD, "--idle"); break;
        case 's': o->slowloris = num(optarg, 0, LOAD_MAX_HELD, "--slowloris"); break;
        case 'x': o->stall = num(optarg, 0, LOAD_MAX_HELD, "--stall"); break;
        case 'S': o->sources = num(optarg, 1, 250 * 256, "--sources"); break;
        case 't': o->trickle_ms = num(optarg, 10, 60000, "--trickle-ms"); break;
        case 'w': o->settle = num(optarg, 0, 60, "--settle"); break;
        case 'T': o->timeout_ms = num(optarg, 100, 60000, "--timeout-ms"); break;
        case 'o': o->csv = optarg; break;
        case 'e': o->expect_ok = 1; break;
        case 'r': o->max_rss_kb = num(optarg, 1, 1 << 30, "--max-rss-kb"); break;
        case 'g': o->max_growth_kb = num(optarg, 1, 1 << 30, "--max-rss-growth-kb"); break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind != argc || !o->connect || !o->ca || !o->mpk || !o->key) {
        usage(stderr);
        exit(2);
    }
    if (!!o->idle + !!o->slowloris + !!o->stall > 1) {
        fprintf(stderr, "roam-load: --idle, --slowloris and --stall exclude each other\n");
        exit(2);
    }
}

/* Room for every held connection and every user's. */
static void raise_nofile(int need)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < (rlim_t)need + 64) {
        r.rlim_cur = r.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &r);
    }
}

struct sample {
    struct proc_sample d;
    double self_ms;
    int held;
};

static struct sample samples[LOAD_MAX_SECONDS + 1];
static struct series series;

int main(int argc, char **argv)
{
    struct opts o;
    parse(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);
    char host[256], port[16], err[512];
    if (roam_split_hostport(o.connect, host, sizeof host, port, sizeof port, "0") < 0) {
        fprintf(stderr, "roam-load: --connect: want IPV4:PORT, not '%s'\n", o.connect);
        return 2;
    }
    abe_mpk_t *mpk;
    abe_key_t *key;
    if (cli_load_mpk(o.mpk, &mpk) < 0 || cli_load_key(o.key, &key) < 0)
        return 2;
    roam_tls_ctx *ctx = roam_tls_client_ctx(o.ca, NULL, NULL, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "roam-load: %s\n", err);
        return 2;
    }
    /* The daemon's resident set before any of our connections. */
    struct proc_sample before = { 0 };
    int have_proc = o.pid && proc_sample(o.pid, &before) == 0;
    int held = o.idle + o.slowloris + o.stall;
    enum hold_kind kind = o.slowloris ? HOLD_SLOWLORIS : o.stall ? HOLD_STALL : HOLD_IDLE;
    static const char *const kinds[] = { "idle", "slowloris", "stalled" };
    raise_nofile(held + o.users);
    struct holders h = { .host = host, .port = port, .n = held, .kind = kind,
                         .sources = o.sources ? o.sources : (held + 3) / 4, .src_base = 2,
                         .trickle_ms = o.trickle_ms, .reopen_ms = 20 };
    if (h.sources < 1)
        h.sources = 1;
    if (holders_start(&h) < 0) {
        fprintf(stderr, "roam-load: cannot start the connection holder\n");
        return 2;
    }
    sleep((unsigned)o.settle);

    struct users u = { .ctx = ctx, .mpk = mpk, .key = key, .host = host, .port = port,
                       .dst = o.dst, .vm = o.vm, .n = o.users, .timeout_ms = o.timeout_ms,
                       .src_base = 1, .series = &series };
    have_proc = have_proc && proc_sample(o.pid, &samples[0].d) == 0;
    samples[0].self_ms = self_cpu_ms();
    u.t0_ms = roam_now_ms();
    u.end_ms = u.t0_ms + (int64_t)o.duration * 1000;
    if (users_start(&u) < 0) {
        fprintf(stderr, "roam-load: cannot start the users\n");
        return 2;
    }
    for (int s = 1; s <= o.duration; s++) {
        int64_t left = u.t0_ms + (int64_t)s * 1000 - roam_now_ms();
        if (left > 0)
            usleep((useconds_t)left * 1000);
        if (have_proc)
            (void)proc_sample(o.pid, &samples[s].d);
        samples[s].self_ms = self_cpu_ms();
        samples[s].held = atomic_load(&h.open_now);
    }
    users_join(&u);
    double wall_s = (double)(roam_now_ms() - u.t0_ms) / 1000.0;
    holders_join(&h);

    uint64_t ok = u.hist->count, failed = 0;
    for (int k = 0; k < FAIL_KINDS; k++)
        failed += u.fails[k];
    struct sample *first = &samples[0], *last = &samples[o.duration];
    double per = ok ? 1.0 / (double)ok : 0;
    double d_cpu = have_proc ? (last->d.cpu_ms - first->d.cpu_ms) * per : -1;
    double g_cpu = (last->self_ms - first->self_ms) * per;
    long rss_min = -1, rss_max = -1;
    double held_avg = 0;
    for (int s = 1; s <= o.duration; s++) {
        long r = samples[s].d.rss_kb;
        rss_min = rss_min < 0 || r < rss_min ? r : rss_min;
        rss_max = r > rss_max ? r : rss_max;
        held_avg += samples[s].held;
    }
    held_avg /= o.duration;
    /* Growth: the last tenth of the run against the second tenth, past the
     * warm-up. */
    int a = o.duration / 10 + 1, b = o.duration - o.duration / 10;
    long growth = have_proc ? last->d.rss_kb - samples[a < b ? a : 1].d.rss_kb : 0;
    double p50 = hist_quantile_ms(u.hist, .50), p90 = hist_quantile_ms(u.hist, .90),
           p99 = hist_quantile_ms(u.hist, .99), pmax = hist_quantile_ms(u.hist, 1);

    printf("roam-load: %d s, %d users", o.duration, o.users);
    if (held)
        printf(", %d %s connections held from %d sources", held, kinds[kind], h.sources);
    printf("\n");
    printf("%-26s %llu (%.1f /s)\n", "authentications ok", (unsigned long long)ok, ok / wall_s);
    printf("%-26s %llu (connect %llu, TLS %llu, refused %llu, protocol %llu)\n", "failed",
           (unsigned long long)failed, (unsigned long long)u.fails[FAIL_CONNECT],
           (unsigned long long)u.fails[FAIL_TLS], (unsigned long long)u.fails[FAIL_REFUSED],
           (unsigned long long)u.fails[FAIL_PROTOCOL]);
    if (failed)
        printf("%-26s %s\n", "first failure", u.first_error);
    printf("%-26s p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", "latency ms", p50, p90, p99, pmax);
    if (have_proc) {
        printf("%-26s %.3f\n", "roamd CPU ms per auth", d_cpu);
        printf("%-26s before %ld, start %ld, min %ld, max %ld, end %ld, peak (VmHWM) %ld, "
               "growth %+ld\n", "roamd RSS kB", before.rss_kb, first->d.rss_kb, rss_min,
               rss_max, last->d.rss_kb, last->d.hwm_kb, growth);
    }
    printf("%-26s %.3f\n", "roam-load CPU ms per auth", g_cpu);
    if (held)
        printf("%-26s open %.0f on average; opened %llu, shed at once %llu, closed later %llu,"
               " longest held %lld ms, connect failures %llu\n",
               "hostile connections", held_avg, (unsigned long long)h.opened,
               (unsigned long long)h.closed_fast, (unsigned long long)h.closed_slow,
               (long long)h.longest_ms, (unsigned long long)h.connect_fail);
    printf("\nduration_s,users,hostile,hostile_kind,sources,ok,failed,auth_per_s,p50_ms,p90_ms,"
           "p99_ms,max_ms,roamd_cpu_ms_per_auth,load_cpu_ms_per_auth,roamd_rss_start_kb,"
           "roamd_rss_end_kb,roamd_hwm_kb,rss_growth_kb,hostile_open_avg,hostile_shed_fast,"
           "hostile_closed_later,roamd_rss_before_kb\n");
    printf("%d,%d,%d,%s,%d,%llu,%llu,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%.3f,%ld,%ld,%ld,%ld,%.0f,"
           "%llu,%llu,%ld\n",
           o.duration, o.users, held, held ? kinds[kind] : "none",
           held ? h.sources : 0, (unsigned long long)ok, (unsigned long long)failed,
           ok / wall_s, p50, p90, p99, pmax, d_cpu, g_cpu, first->d.rss_kb, last->d.rss_kb,
           last->d.hwm_kb, growth, held_avg, (unsigned long long)h.closed_fast,
           (unsigned long long)h.closed_slow, before.rss_kb);
    if (o.csv) {
        FILE *f = fopen(o.csv, "w");
        if (!f) {
            fprintf(stderr, "roam-load: %s: cannot write\n", o.csv);
            return 2;
        }
        fprintf(f, "second,ok,failed,roamd_cpu_ms,roamd_rss_kb,roamd_hwm_kb,load_cpu_ms,"
                   "hostile_open\n");
        for (int s = 1; s <= o.duration; s++)
            fprintf(f, "%d,%u,%u,%.0f,%ld,%ld,%.0f,%d\n", s, series.ok[s - 1],
                    series.fail[s - 1], samples[s].d.cpu_ms - samples[s - 1].d.cpu_ms,
                    samples[s].d.rss_kb, samples[s].d.hwm_kb,
                    samples[s].self_ms - samples[s - 1].self_ms, samples[s].held);
        if (fclose(f) != 0) {
            fprintf(stderr, "roam-load: %s: cannot write\n", o.csv);
            return 2;
        }
    }
    int bad = 0;
    if (o.expect_ok && (failed || !ok)) {
        fprintf(stderr, "roam-load: %llu of %llu authentications failed\n",
                (unsigned long long)failed, (unsigned long long)(ok + failed));
        bad = 1;
    }
    if (o.max_rss_kb && have_proc && last->d.hwm_kb > o.max_rss_kb) {
        fprintf(stderr, "roam-load: roamd's peak RSS %ld kB is over %ld kB\n", last->d.hwm_kb,
                o.max_rss_kb);
        bad = 1;
    }
    if (o.max_growth_kb && have_proc && last->d.hwm_kb - before.rss_kb > o.max_growth_kb) {
        fprintf(stderr, "roam-load: roamd's peak RSS %ld kB is more than %ld kB over its %ld kB "
                "before the load\n", last->d.hwm_kb, o.max_growth_kb, before.rss_kb);
        bad = 1;
    }
    if ((o.max_rss_kb || o.max_growth_kb) && !have_proc) {
        fprintf(stderr, "roam-load: --max-rss-kb and --max-rss-growth-kb need --pid of a live "
                "roamd\n");
        bad = 1;
    }
    roam_tls_ctx_free(ctx);
    free(u.hist);
    free(mpk);
    cli_free_key(key);
    return bad;
}
