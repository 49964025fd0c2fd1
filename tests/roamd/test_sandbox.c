/* roamd's seccomp filters ([roamd] seccomp, roamd_sandbox_apply in
 * daemon.h, and its network process's, net_proc.h).  The mode a roamd configuration names is the one applied:
 * under the default, starting a program or forking kills the process with
 * SIGSYS while what serving needs still works; under "no" nothing is
 * filtered.  Each apply runs in a child, which the filter cannot leave.
 * Then the roamd program (argv[1]) on loopback, with libvirt's test
 * driver: it runs under the filter by default (Seccomp: 2 in /proc), serves
 * a full authentication, survives it and stops cleanly on SIGTERM; with
 * "seccomp = no" it runs unfiltered.  Its network process's worker runs as
 * nobody (when roamd is root), without capabilities, under its own filter,
 * which refuses sockets (libvirt's, raw ones) and files with an error and
 * kills on execve; killed, the worker is reported and replaced, and roamd
 * serves on. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../proto/certs.h"
#include "abe.h"
#include "client_auth.h"
#include "daemon.h"
#include "errbuf.h"
#include "roamd_config.h"
#include "sandbox.h"
#include "sock.h"
#include "tap.h"
#include "wait_status.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

#define NO_FILTER 77   /* the child could not apply the filter */

static char dir[] = "/tmp/roamd-sandbox-XXXXXX";
static char err[ROAM_ERR_MAX];
static abe_mpk_t *mpk;
static abe_key_t *user;

static void path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int save(const char *file, uint8_t *obj, size_t len)
{
    char p[512];
    path(p, sizeof p, file);
    int r = abe_keyfile_save(p, obj, len, err, sizeof err);
    abe_free_secret(obj, len);
    return r;
}

/* A PKI, FABEO keys (a user with A), one test-driver VM whose policy is A. */
static int setup(void)
{
    char ca[512], crt[512], key[512], node[512];
    if (!mkdtemp(dir))
        return -1;
    path(ca, sizeof ca, "ca.pem");
    path(crt, sizeof crt, "host.pem");
    path(key, sizeof key, "host.key");
    path(node, sizeof node, "node.xml");
    struct test_ca tca;
    if (certs_make_ca(&tca, "sandbox CA", ca) < 0 ||
        certs_make_leaf(&tca, "127.0.0.1", "IP:127.0.0.1", crt, key) < 0)
        return -1;
    certs_free_ca(&tca);
    abe_msk_t msk;
    uint8_t *obj;
    size_t len;
    static const char *const attrs[] = { "A", "expiry = 2099-12-31" };
    abe_error_t perr;
    mpk = calloc(1, sizeof *mpk);
    user = calloc(1, sizeof *user);
    if (!mpk || !user || abe_setup(mpk, &msk) != ABE_OK ||
        abe_encode_mpk(mpk, &obj, &len) != ABE_OK || save("mpk.pem", obj, len) < 0 ||
        abe_key_set_attrs(user, attrs, 2, &perr) != ABE_OK ||
        abe_keygen(user, mpk, &msk) != ABE_OK)
        return -1;
    abe_msk_clear(&msk);
    FILE *f = fopen(node, "w");
    if (!f)
        return -1;
    fputs("<node><domain type='test'><name>vm1</name><memory>65536</memory>"
          "<os><type>hvm</type></os><metadata><roam:vm "
          "xmlns:roam='https://roam.example/ns/vm/1'><roam:migrate-policy>A"
          "</roam:migrate-policy></roam:vm></metadata></domain></node>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

/* The configuration text of a roamd on loopback, with extra in [roamd]. */
static void conf_text(char *out, size_t cap, const char *name, const char *extra)
{
    snprintf(out, cap,
             "[roamd]\nname = 127.0.0.1\nlisten = 127.0.0.1:0\npeer_listen = 127.0.0.1:0\n"
             "cert = %s/host.pem\nkey = %s/host.key\npeer_ca = %s/ca.pem\nmpk = %s/mpk.pem\n"
             "accept_policy = A\nlibvirt_uri = test://%s/node.xml\nbridge = lo\nuplink = lo\n"
             "router = fe80::1\naudit_log = %s/%s-audit.jsonl\n%s"
             "[limits]\nio_timeout_ms = 3000\nra_timeout_ms = 300\nra_max_age = 0\n",
             dir, dir, dir, dir, dir, dir, name, extra);
}

enum action { SERVE, EXEC, FORK, NET, NET_EXEC };

static void *thread_main(void *arg)
{
    return arg;
}

/* What roamd does while serving, beyond the shared list's own test: a unix
 * socket connected (libvirt, the hook), netlink (interface lookups), TCP
 * to a peer, a session thread.  0 when all of it worked. */
static int serve_like(const char *unix_path)
{
    struct sockaddr_un u = { .sun_family = AF_UNIX };
    snprintf(u.sun_path, sizeof u.sun_path, "%s", unix_path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&u, sizeof u) < 0)
        return 1;
    close(s);
    s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        return 2;
    close(s);
    s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return 3;
    close(s);
    pthread_t t;
    void *ret = NULL;
    if (pthread_create(&t, NULL, thread_main, &u) != 0 || pthread_join(t, &ret) != 0 ||
        ret != &u)
        return 4;
    return 0;
}

/* Under the network process's filter: what it must be refused, each with
 * its error, and what it needs.  0, or the number of the first surprise. */
static int net_like(const char *unix_path)
{
    struct sockaddr_un u = { .sun_family = AF_UNIX };
    snprintf(u.sun_path, sizeof u.sun_path, "%s", unix_path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s >= 0 || errno != EPERM)
        return 1;   /* so libvirt's socket, or the hook's, is out of reach */
    if (socket(AF_PACKET, SOCK_RAW, 0) >= 0 || errno != EPERM)
        return 2;
    if (socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6) >= 0 || errno != EPERM)
        return 3;
    if (socket(AF_INET6, SOCK_STREAM, 0) >= 0 || errno != EPERM)
        return 4;
    /* Sanitizer builds let open through (LeakSanitizer reads /proc). */
#ifndef SANITIZED
    if (open("/etc/hostname", O_RDONLY) >= 0 || errno != EACCES)
        return 5;
    if (open("/tmp/roamd-net-probe", O_WRONLY | O_CREAT, 0600) >= 0 || errno != EACCES)
        return 6;
#endif
    if (mkdir("/tmp/roamd-net-probe", 0700) == 0 || errno != EACCES)
        return 6;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return 7;
    close(sv[0]);
    close(sv[1]);
    pthread_t t;
    void *ret = NULL;
    if (pthread_create(&t, NULL, thread_main, &u) != 0 || pthread_join(t, &ret) != 0 ||
        ret != &u)
        return 8;
    return 0;
}

/* Applies cfg's mode (the network process's filter for NET) in a child
 * that then does `what`; its wait status. */
static int run(const struct roamd_config *cfg, enum action what, const char *unix_path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char why[ROAM_ERR_MAX];
        if (what == NET || what == NET_EXEC) {
            if (roam_sandbox_apply_profile(ROAM_SANDBOX_NETWORK, ROAM_SANDBOX_ON, why,
                                           sizeof why) < 0)
                _exit(NO_FILTER);
            if (what == NET_EXEC)
                execl("/bin/true", "true", (char *)NULL);
            _exit(what == NET ? net_like(unix_path) : 10);
        }
        if (roamd_sandbox_apply(cfg, why, sizeof why) < 0) {
            fprintf(stderr, "%s\n", why);
            _exit(NO_FILTER);
        }
        switch (what) {
        case SERVE:
            _exit(serve_like(unix_path));
        case EXEC:
            execl("/bin/true", "true", (char *)NULL);
            _exit(10);
        case FORK: {
            pid_t p = fork();
            if (p == 0)
                _exit(0);
            _exit(p < 0 ? 11 : 12);
        }
        case NET:
        case NET_EXEC:
            break;
        }
        _exit(13);
    }
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

/* Starts the roamd program on a config with extra in [roamd]: its pid, and
 * its client port in *port; -1 if it did not get ready within 10 s. */
static pid_t start_roamd(const char *roamd, const char *name, const char *extra, int *port)
{
    char conf[512], log[512], text[4096];
    snprintf(conf, sizeof conf, "%s/%s.conf", dir, name);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    conf_text(text, sizeof text, name, extra);
    FILE *f = fopen(conf, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 || !freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(roamd, roamd, "-c", conf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; pid > 0 && i < 100; i++) {
        char line[1024];
        const char *at;
        f = fopen(log, "r");
        while (f && fgets(line, sizeof line, f))
            if ((at = strstr(line, "ready: clients on port "))) {
                fclose(f);
                *port = atoi(at + strlen("ready: clients on port "));
                return pid;
            }
        if (f)
            fclose(f);
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return -1;
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return -1;
}

/* The "Seccomp:" field of /proc/PID/status (0 none, 2 filter), or -1. */
static int seccomp_of(pid_t pid)
{
    char p[64], line[256];
    snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
    FILE *f = fopen(p, "r");
    int v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "Seccomp:", 8) == 0)
            v = atoi(line + 8);
    if (f)
        fclose(f);
    return v;
}

/* The one child of pid whose name is comm, or -1. */
static pid_t child_named(pid_t pid, const char *comm)
{
    DIR *proc = opendir("/proc");
    pid_t found = -1;
    struct dirent *e;
    while (proc && (e = readdir(proc))) {
        char p[300], line[512], name[64];
        int ppid = 0;
        snprintf(p, sizeof p, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(p, "r");
        if (!f)
            continue;
        if (fgets(line, sizeof line, f)) {
            char *open_ = strchr(line, '('), *close_ = strrchr(line, ')');
            if (open_ && close_ && close_ > open_ && sscanf(close_ + 2, "%*c %d", &ppid) == 1) {
                snprintf(name, sizeof name, "%.*s", (int)(close_ - open_ - 1), open_ + 1);
                if (ppid == pid && strcmp(name, comm) == 0)
                    found = atoi(e->d_name);
            }
        }
        fclose(f);
    }
    if (proc)
        closedir(proc);
    return found;
}

/* A line of /proc/PID/status: its value after the key, in out. */
static int status_of(pid_t pid, const char *key, char *out, size_t cap)
{
    char p[64], line[256];
    snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
    FILE *f = fopen(p, "r");
    int found = -1;
    size_t k = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, k) == 0 && line[k] == ':') {
            const char *v = line + k + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            snprintf(out, cap, "%.*s", (int)strcspn(v, "\n"), v);
            found = 0;
        }
    if (f)
        fclose(f);
    return found;
}

/* The log at path has a line with text within limit_ms. */
static int logged(const char *name, const char *text, int limit_ms)
{
    char log[512], line[1024];
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    for (int t = 0; t <= limit_ms; t += 100) {
        FILE *f = fopen(log, "r");
        int hit = 0;
        while (f && !hit && fgets(line, sizeof line, f))
            hit = strstr(line, text) != NULL;
        if (f)
            fclose(f);
        if (hit)
            return 1;
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* A full migrate-role authentication for vm1: 1 accepted, 0 refused. */
static int authenticates(int port, char *why, size_t cap)
{
    char ca[512], p[8];
    path(ca, sizeof ca, "ca.pem");
    snprintf(p, sizeof p, "%d", port);
    roam_tls_ctx *ctx = roam_tls_client_ctx(ca, NULL, NULL, why, cap);
    struct roam_client_id id = { .mpk = mpk, .key = user };
    struct roam_auth_req req = { .role = ROAM__V1__ROLE__ROLE_MIGRATE, .vm = "vm1",
                                 .src = "127.0.0.1", .dst = "other" };
    for (int i = 0; i < 16; i++)
        req.query_id[i] = (uint8_t)rand();
    int fd = ctx ? roam_tcp_connect("127.0.0.1", p, 2000, why, cap) : -1;
    roam_tls_conn *c = fd < 0 ? NULL : roam_tls_connect(ctx, fd, "127.0.0.1", 2000, why, cap);
    int r = c ? roam_client_authenticate(c, &id, &req, 5000, why, cap) == 0 : 0;
    if (c)
        roam_tls_close(c, 500);
    roam_tls_ctx_free(ctx);
    return r;
}

/* Sends SIGTERM; the wait status within 10 s, or -1 (then killed). */
static int stop(pid_t pid)
{
    kill(pid, SIGTERM);
    int st;
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return st;
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* roamd's network process: a keeper and its worker, which holds nothing
 * roamd could lose to it; killed, it is reported and replaced. */
static void test_network_process(pid_t roamd, int port)
{
    char v[128] = "", why[ROAM_MESSAGE_MAX] = "";
    pid_t keeper = child_named(roamd, "roamd-net");
    pid_t worker = keeper > 0 ? child_named(keeper, "roamd-net") : -1;
    if (!tap_ok(keeper > 0 && worker > 0, "roamd runs a network process: keeper %d, worker %d",
                (int)keeper, (int)worker))
        return;
    tap_eq(seccomp_of(worker), 2, "its worker runs under a seccomp filter");
    tap_ok(status_of(worker, "NoNewPrivs", v, sizeof v) == 0 && strcmp(v, "1") == 0,
           "with no_new_privs");
    tap_ok(status_of(worker, "CapEff", v, sizeof v) == 0 && strspn(v, "0") == strlen(v) &&
               status_of(worker, "CapPrm", v, sizeof v) == 0 && strspn(v, "0") == strlen(v),
           "and no capability (CapEff, CapPrm 0)");
    if (geteuid() == 0)
        tap_ok(status_of(worker, "Uid", v, sizeof v) == 0 && atoi(v) != 0 &&
                   status_of(keeper, "Uid", v, sizeof v) == 0 && atoi(v) != 0,
               "keeper and worker are not root (Uid %s)", v);
    else
        tap_skip("root's drop to nobody: not root");
    kill(worker, SIGSYS);
    tap_ok(logged("on", "killed by signal 31 (SIGSYS", 5000),
           "a worker killed by SIGSYS is reported by roamd");
    pid_t again = -1;
    for (int i = 0; i < 50 && (again = child_named(keeper, "roamd-net")) <= 0; i++) {
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    tap_ok(again > 0 && again != worker && kill(roamd, 0) == 0,
           "roamd survives it, and a new worker (%d) takes over", (int)again);
    int served = 0;
    for (int i = 0; i < 20 && !served; i++)
        if (!(served = authenticates(port, why, sizeof why))) {
            struct timespec ts = { 0, 100 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    tap_ok(served, "which serves a full authentication (%s)", why[0] ? why : "accepted");
}

static void test_program(const char *roamd)
{
    char why[ROAM_MESSAGE_MAX] = "";
    int port = 0;
    pid_t pid = start_roamd(roamd, "on", "", &port);
    if (!tap_ok(pid > 0, "roamd starts on loopback with the default configuration"))
        return;
    tap_eq(seccomp_of(pid), 2, "roamd runs under a seccomp filter by default");
    tap_ok(authenticates(port, why, sizeof why), "it serves a full authentication (%s)",
           why[0] ? why : "accepted");
    tap_ok(waitpid(pid, NULL, WNOHANG) == 0 && kill(pid, 0) == 0,
           "and is still running after it");
    test_network_process(pid, port);
    int st = stop(pid);
    tap_ok(test_exited_with(st, 0), "SIGTERM stops it cleanly under the filter (status %#x)", st);
    tap_ok(child_named(pid, "roamd-net") < 0, "and its network process is gone with it");

    pid = start_roamd(roamd, "off", "seccomp = no\n", &port);
    tap_ok(pid > 0 && seccomp_of(pid) == 0, "seccomp = no: roamd runs unfiltered");
    if (pid > 0)
        stop(pid);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fprintf(stderr, "usage: test_roamd_sandbox ROAMD\n");
        return 2;
    }
    if (!tap_eq(setup(), 0, "keys and a test PKI (%s)", err))
        return tap_done();
    static struct roamd_config cfg;
    char text[4096], sock[100];   /* fits sun_path */
    conf_text(text, sizeof text, "apply", "");
    roamd_config_defaults(&cfg);
    tap_eq(roamd_config_parse_string(&cfg, text, "roamd.conf", err, sizeof err), 0,
           "a roamd configuration without 'seccomp' (%s)", err);

    /* A listening unix socket, as libvirtd's or the hook's. */
    path(sock, sizeof sock, "sock");
    struct sockaddr_un u = { .sun_family = AF_UNIX };
    snprintf(u.sun_path, sizeof u.sun_path, "%s", sock);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&u, sizeof u) < 0 || listen(lfd, 8) < 0)
        tap_diag("unix socket %s: %s", sock, strerror(errno));

    int st = run(&cfg, SERVE, sock);
    if (test_exited_with(st, NO_FILTER)) {
        tap_skip("seccomp filters cannot be loaded here");
    } else {
        tap_ok(test_exited_with(st, 0), "under roamd's filter, unix, netlink and TCP sockets and threads "
               "work (status %#x)", st);
        tap_ok(test_died_of(run(&cfg, EXEC, sock), SIGSYS), "execve kills roamd's process with SIGSYS");
#ifdef SANITIZED
        tap_skip("fork: sanitizer builds allow clone for LeakSanitizer");
#else
        tap_ok(test_died_of(run(&cfg, FORK, sock), SIGSYS), "fork kills roamd's process with SIGSYS");
#endif
        conf_text(text, sizeof text, "apply", "seccomp = no\n");
        roamd_config_defaults(&cfg);
        tap_ok(roamd_config_parse_string(&cfg, text, "roamd.conf", err, sizeof err) == 0 &&
                   test_exited_with(run(&cfg, EXEC, sock), 0),
               "seccomp = no: nothing is filtered (execve runs /bin/true)");
        st = run(&cfg, NET, sock);
        tap_ok(test_exited_with(st, 0), "under the network process's filter: unix, packet, raw "
               "and TCP sockets refused (EPERM), files too (EACCES), socket pairs and threads "
               "work (status %#x)", st);
        tap_ok(test_died_of(run(&cfg, NET_EXEC, sock), SIGSYS),
               "execve kills a process under the network process's filter with SIGSYS");
        test_program(argv[1]);
    }
    if (lfd >= 0)
        close(lfd);
    abe_key_clear(user);
    free(user);
    free(mpk);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
