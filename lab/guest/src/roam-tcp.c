/* roam-tcp: a TCP echo service and a client that measures it, for session
 * tests across a migration.  Built static: the guest runs the server, the
 * user node runs the client (same binary).
 *
 *   roam-tcp echo [PORT]                       serve on [::]:PORT (default 7007)
 *   roam-tcp client ADDR [PORT] [SECONDS] [INTERVAL_MS]
 *
 * The client sends an 8-byte sequence number every INTERVAL_MS (default 10)
 * for SECONDS (default 10) and prints one line:
 *   sent=N echoed=M longest_gap_ms=G status=ok|reset|timeout
 * G is the longest time between two echoes (the session's interruption).
 * SIGINT ends the sending early (a bench stops the session once the
 * migration is over): the client still waits for the outstanding echoes.
 * Exit status 0 only if the session survived and every number came back. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void echo_conn(int c)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0)
        if (write(c, buf, n) != n)
            break;
    _exit(0);
}

static int serve(int port)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
    int one = 1, s = socket(AF_INET6, SOCK_STREAM, 0);
    signal(SIGCHLD, SIG_IGN);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 16)) {
        perror("roam-tcp: bind/listen");
        return 1;
    }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (fork() == 0)
            echo_conn(c);
        close(c);
    }
}

static volatile sig_atomic_t stop_sending;

static void on_sigint(int sig)
{
    (void)sig;
    stop_sending = 1;
}

static int client(const char *addr, int port, double secs, double interval)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
    int one = 1, s = socket(AF_INET6, SOCK_STREAM, 0);
    uint64_t sent = 0, echoed = 0, rbuf[512];
    size_t have = 0;
    double start, next, last, gap = 0;
    const char *status = "ok";

    if (inet_pton(AF_INET6, addr, &a.sin6_addr) != 1) {
        fprintf(stderr, "roam-tcp: bad IPv6 address %s\n", addr);
        return 2;
    }
    if (connect(s, (struct sockaddr *)&a, sizeof a)) {
        perror("roam-tcp: connect");
        return 1;
    }
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sigaction sa = { .sa_handler = on_sigint };   /* no SA_RESTART: poll returns */
    sigaction(SIGINT, &sa, NULL);
    start = next = last = now_ms();
    while (echoed < sent || (!stop_sending && now_ms() - start < secs * 1e3)) {
        double t = now_ms();
        struct pollfd p = { .fd = s, .events = POLLIN };
        if (t - last > 30e3) {
            status = "timeout";
            break;
        }
        if (t >= next && !stop_sending && t - start < secs * 1e3) {
            uint64_t v = sent + 1;
            if (write(s, &v, sizeof v) != sizeof v) {
                status = "reset";
                break;
            }
            sent++;
            next += interval;
            continue;
        }
        if (poll(&p, 1, (int)(next > t ? next - t : 1) + 1) <= 0)
            continue;
        ssize_t n = read(s, (char *)rbuf + have, sizeof rbuf - have);
        if (n <= 0) {
            status = "reset";
            break;
        }
        have += n;
        t = now_ms();
        for (size_t i = 0; i < have / 8; i++)
            if (rbuf[i] == echoed + 1)
                echoed++;
        memmove(rbuf, (char *)rbuf + have / 8 * 8, have % 8);
        have %= 8;
        if (t - last > gap)
            gap = t - last;
        last = t;
    }
    printf("sent=%llu echoed=%llu longest_gap_ms=%.0f status=%s\n",
           (unsigned long long)sent, (unsigned long long)echoed, gap, status);
    return strcmp(status, "ok") || echoed != sent;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "echo"))
        return serve(argc > 2 ? atoi(argv[2]) : 7007);
    if (argc >= 3 && !strcmp(argv[1], "client"))
        return client(argv[2], argc > 3 ? atoi(argv[3]) : 7007,
                      argc > 4 ? atof(argv[4]) : 10, argc > 5 ? atof(argv[5]) : 10);
    fprintf(stderr, "usage: roam-tcp echo [PORT] | roam-tcp client ADDR [PORT] [SECONDS] [INTERVAL_MS]\n");
    return 2;
}
