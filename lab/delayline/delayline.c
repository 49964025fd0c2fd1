/* lab/delayline/delayline.c: a WAN delay line for the lab, for kernels
 * without netem.  Packets that ip6tables/iptables send to NFQUEUE are held
 * for a fixed one-way delay and then accepted, in order, optionally behind a
 * bandwidth cap.  Run `delayline --help`; docs/lab.md ("WAN") explains its
 * use in the lab. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "dl_fifo.h"
#include "dl_nfq.h"
#include "dl_pace.h"

#define DL_MAX_QUEUES 8
#define DL_MAX_DELAY_US 10000000UL /* 10 s */
#define DL_MAX_MAXLEN (1U << 20)
#define DL_READ_BATCH 256

static const char usage_text[] =
    "NAME\n"
    "    delayline - hold queued packets for a fixed delay (a WAN without netem)\n"
    "\n"
    "SYNOPSIS\n"
    "    delayline --queue N [--queue N]... --delay-us US [--rate MBIT]\n"
    "              [--queue-maxlen N] [--rcvbuf BYTES] [--realtime]\n"
    "\n"
    "DESCRIPTION\n"
    "    Takes the packets that netfilter sends to NFQUEUE queue N (e.g.\n"
    "    ip6tables -A FORWARD -j NFQUEUE --queue-num N --queue-bypass) and\n"
    "    accepts each one US microseconds after it arrived, in arrival order.\n"
    "    Only the packet's metadata crosses to user space (with --rate also\n"
    "    one byte, for its length), verdicts are given for many packets at\n"
    "    once, and GSO packets stay whole, so it keeps up with bulk TCP.\n"
    "    Each queue is a link of its own: with --rate, packets of one queue\n"
    "    also wait for the ones before them to be sent at MBIT.  Prints\n"
    "    \"delayline: ready ...\" on stdout once every queue is bound.\n"
    "    On SIGTERM it lets new packets pass and accepts every packet held.\n"
    "\n"
    "OPTIONS\n"
    "    -q, --queue N         queue number (0-65535); up to 8 queues\n"
    "    -d, --delay-us US     one-way delay in microseconds (0-10000000)\n"
    "    -r, --rate MBIT       bandwidth cap per queue in Mbit/s (default: none)\n"
    "    -m, --queue-maxlen N  packets held per queue at most (default 65536,\n"
    "                          max 1048576); more are dropped and counted\n"
    "    -b, --rcvbuf BYTES    netlink receive buffer (default 33554432)\n"
    "    -R, --realtime        run at SCHED_FIFO priority (steadier delays on a\n"
    "                          loaded machine)\n"
    "    -h, --help            this text\n"
    "\n"
    "SIGNALS\n"
    "    SIGUSR1 prints the counters on stderr.  SIGTERM and SIGINT accept\n"
    "    every packet still held, print the counters and exit 0.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 after SIGTERM/SIGINT, 1 on a runtime error, 2 on bad usage.\n";

struct dl_queue {
    uint16_t num;
    struct dl_fifo fifo;
    struct dl_pace pace;
    uint64_t packets, bytes, dropped, max_held;
    uint64_t batches, late_sum_ns, late_max_ns; /* how late the oldest of each batch went */
};

struct dl {
    struct dl_queue q[DL_MAX_QUEUES];
    int nq;
    uint64_t delay_ns;
    struct dl_nfq nfq;
    uint64_t unknown_queue, verdict_send_errors;
};

static volatile sig_atomic_t stop_flag, stats_flag;
static void on_signal(int sig) { if (sig == SIGUSR1) stats_flag = 1; else stop_flag = 1; }

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void on_packet(void *ctx, uint16_t num, uint32_t id, uint32_t len)
{
    struct dl *d = ctx;
    struct dl_queue *q = NULL;
    for (int i = 0; i < d->nq; i++)
        if (d->q[i].num == num)
            q = &d->q[i];
    if (!q) { /* cannot happen: we bound only our queues */
        d->unknown_queue++;
        return;
    }
    uint64_t due = dl_pace_depart(&q->pace, mono_ns(), len) + d->delay_ns;
    q->packets++;
    q->bytes += len;
    if (dl_fifo_push(&q->fifo, id, due) < 0) {
        q->dropped++;
        if (dl_nfq_verdict(&d->nfq, num, id, 0) < 0)
            d->verdict_send_errors++;
        return;
    }
    if (q->fifo.len > q->max_held)
        q->max_held = q->fifo.len;
}

/* Accepts everything due by now_ns; returns the earliest due time still
 * held, or UINT64_MAX. */
static uint64_t release(struct dl *d, uint64_t now_ns)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < d->nq; i++) {
        struct dl_queue *q = &d->q[i];
        uint32_t last;
        const struct dl_entry *e = dl_fifo_peek(&q->fifo);
        if (!e || e->due_ns > now_ns)
            goto next;
        if (now_ns != UINT64_MAX) {
            uint64_t late = now_ns - e->due_ns;
            q->batches++;
            q->late_sum_ns += late;
            if (late > q->late_max_ns)
                q->late_max_ns = late;
        }
        dl_fifo_pop_due(&q->fifo, now_ns, &last);
        if (dl_nfq_accept_upto(&d->nfq, q->num, last) < 0)
            d->verdict_send_errors++;
        e = dl_fifo_peek(&q->fifo);
    next:
        if (e && e->due_ns < next)
            next = e->due_ns;
    }
    return next;
}

/* The kernel's own counters of queue num (its queue drops packets once
 * --queue-maxlen are held, before they reach us); 0 when not found. */
static void kernel_counters(uint16_t num, uint64_t *dropped, uint64_t *user_dropped)
{
    *dropped = *user_dropped = 0;
    FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "r");
    if (!f)
        return;
    unsigned int qn, portid, total, mode, range;
    unsigned long long dr, udr, seq;
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%u %u %u %u %u %llu %llu %llu", &qn, &portid, &total, &mode, &range,
                   &dr, &udr, &seq) == 8 && qn == num) {
            *dropped = dr;
            *user_dropped = udr;
        }
    }
    fclose(f);
}

static void print_stats(const struct dl *d)
{
    for (int i = 0; i < d->nq; i++) {
        const struct dl_queue *q = &d->q[i];
        uint64_t kdrop, kudrop;
        kernel_counters(q->num, &kdrop, &kudrop);
        fprintf(stderr, "delayline: queue %u: %" PRIu64 " packets, %" PRIu64 " bytes (with --rate), %" PRIu64
                " dropped (queue full), %u held, at most %" PRIu64 "; %" PRIu64
                " releases, late by %" PRIu64 " us on average, %" PRIu64 " us at most; kernel: %"
                PRIu64 " dropped (queue full), %" PRIu64 " not delivered to us\n",
                q->num, q->packets, q->bytes, q->dropped, q->fifo.len, q->max_held, q->batches,
                q->batches ? q->late_sum_ns / q->batches / 1000 : 0, q->late_max_ns / 1000,
                kdrop, kudrop);
    }
    fprintf(stderr, "delayline: %" PRIu64 " receive overruns (ENOBUFS), %" PRIu64
            " verdict errors, %" PRIu64 " verdicts not sent\n",
            d->nfq.enobufs, d->nfq.verdict_errors, d->verdict_send_errors);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("delayline: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'delayline --help'.\n", stderr);
    return 2;
}

/* Runs until SIGTERM/SIGINT.  Signals are blocked except inside ppoll, so
 * one that arrives between two checks is not lost. */
static int run(struct dl *d, const sigset_t *waitmask)
{
    struct pollfd pfd = { .fd = dl_nfq_fd(&d->nfq), .events = POLLIN };
    while (!stop_flag) {
        if (stats_flag) {
            stats_flag = 0;
            print_stats(d);
        }
        uint64_t now = mono_ns(), next = release(d, now);
        struct timespec ts, *tsp = NULL;
        if (next != UINT64_MAX) {
            uint64_t wait = next > now ? next - now : 0;
            ts.tv_sec = (time_t)(wait / 1000000000ULL);
            ts.tv_nsec = (long)(wait % 1000000000ULL);
            tsp = &ts;
        }
        int r = ppoll(&pfd, 1, tsp, waitmask);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "delayline: poll: %s\n", strerror(errno));
            return 1;
        }
        if (r > 0 && dl_nfq_read(&d->nfq, DL_READ_BATCH, on_packet, d) < 0) {
            fprintf(stderr, "delayline: netlink receive: %s\n", strerror(errno));
            return 1;
        }
    }
    /* Closing the socket would drop what the kernel still holds for us,
     * and the replies to what we release now: first let new packets pass,
     * then accept everything held and everything already on its way. */
    for (int i = 0; i < d->nq; i++)
        if (dl_nfq_fail_open(&d->nfq, d->q[i].num, on_packet, d) < 0)
            fprintf(stderr, "delayline: queue %u: cannot let packets pass: %s\n", d->q[i].num,
                    strerror(errno));
    while (dl_nfq_read(&d->nfq, DL_READ_BATCH, on_packet, d) > 0)
        ;
    release(d, UINT64_MAX);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "queue", required_argument, NULL, 'q' },
        { "delay-us", required_argument, NULL, 'd' },
        { "rate", required_argument, NULL, 'r' },
        { "queue-maxlen", required_argument, NULL, 'm' },
        { "rcvbuf", required_argument, NULL, 'b' },
        { "realtime", no_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static struct dl d;
    uint64_t v, delay_us = 0, maxlen = 65536, rcvbuf = 32u << 20;
    uint16_t nums[DL_MAX_QUEUES];
    int nq = 0, have_delay = 0, realtime = 0, c;
    double rate = 0;
    char *end;

    while ((c = getopt_long(argc, argv, "q:d:r:m:b:Rh", opts, NULL)) != -1) {
        switch (c) {
        case 'q':
            if (parse_u64(optarg, 65535, &v) < 0)
                return bad_usage("--queue: '%s' is not a queue number (0-65535)", optarg);
            if (nq == DL_MAX_QUEUES)
                return bad_usage("--queue: at most %d queues", DL_MAX_QUEUES);
            for (int i = 0; i < nq; i++)
                if (nums[i] == v)
                    return bad_usage("--queue: %s given twice", optarg);
            nums[nq++] = (uint16_t)v;
            break;
        case 'd':
            if (parse_u64(optarg, DL_MAX_DELAY_US, &delay_us) < 0)
                return bad_usage("--delay-us: '%s' is not 0-10000000 microseconds", optarg);
            have_delay = 1;
            break;
        case 'r':
            errno = 0;
            rate = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(rate > 0 && rate <= 1e6))
                return bad_usage("--rate: '%s' is not a rate in Mbit/s (0 < MBIT <= 1000000)", optarg);
            break;
        case 'm':
            if (parse_u64(optarg, DL_MAX_MAXLEN, &maxlen) < 0 || maxlen == 0)
                return bad_usage("--queue-maxlen: '%s' is not 1-1048576", optarg);
            break;
        case 'b':
            if (parse_u64(optarg, 1u << 30, &rcvbuf) < 0 || rcvbuf < 65536)
                return bad_usage("--rcvbuf: '%s' is not 65536-1073741824 bytes", optarg);
            break;
        case 'R':
            realtime = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs("Try 'delayline --help'.\n", stderr);
            return 2;
        }
    }
    if (optind < argc)
        return bad_usage("unexpected argument '%s'", argv[optind]);
    if (nq == 0)
        return bad_usage("--queue is required");
    if (!have_delay)
        return bad_usage("--delay-us is required");

    d.delay_ns = delay_us * 1000;
    for (int i = 0; i < nq; i++) {
        d.q[i].num = nums[i];
        dl_pace_init(&d.q[i].pace, rate);
        if (dl_fifo_init(&d.q[i].fifo, (uint32_t)maxlen) < 0) {
            fprintf(stderr, "delayline: no memory for %" PRIu64 " packets\n", maxlen);
            return 1;
        }
    }
    d.nq = nq;

    /* Wake-ups on time matter more than power here: no timer slack. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    if (realtime) {
        struct sched_param sp = { .sched_priority = 10 };
        if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
            fprintf(stderr, "delayline: warning: --realtime: %s\n", strerror(errno));
    }

    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    sigdelset(&waitmask, SIGUSR1);
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    char err[256];
    if (dl_nfq_open(&d.nfq, (int)rcvbuf, err, sizeof(err)) < 0) {
        fprintf(stderr, "delayline: %s\n", err);
        return 1;
    }
    for (int i = 0; i < nq; i++) {
        if (dl_nfq_bind(&d.nfq, nums[i], (uint32_t)maxlen, rate > 0, on_packet, &d, err, sizeof(err)) < 0) {
            fprintf(stderr, "delayline: %s\n", err);
            dl_nfq_close(&d.nfq);
            return 1;
        }
    }
    printf("delayline: ready, queue");
    for (int i = 0; i < nq; i++)
        printf(" %u", nums[i]);
    printf(", delay %" PRIu64 " us, rate ", delay_us);
    if (rate > 0)
        printf("%g Mbit/s\n", rate);
    else
        printf("uncapped\n");
    fflush(stdout);

    int rc = run(&d, &waitmask);
    print_stats(&d);
    dl_nfq_close(&d.nfq);
    for (int i = 0; i < nq; i++)
        dl_fifo_free(&d.q[i].fifo);
    return rc;
}
