/* roam-ims: the mobility mapping server, and its administration commands
 * (enroll, revoke, list) and a query client.  See roam-ims(8). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_msg.h"
#include "errbuf.h"
#include "ims_check.h"
#include "ims_client.h"
#include "ims_config.h"
#include "ims_sep_store.h"
#include "ims_server.h"
#include "ims_sign.h"
#include "ims_store.h"
#include "log.h"
#include "privdrop.h"
#include "sandbox.h"

static ims_server *running;
static pid_t network_pid;              /* in the store process */
static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
    stop_asked = 1;
    if (running)
        ims_server_stop(running);
    if (network_pid > 0)
        kill(network_pid, sig);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: roam-ims [-c CONFIG] [-v|-q] [serve]\n"
        "       roam-ims -c CONFIG --check   check what serving would load, then exit\n"
        "       roam-ims [-c CONFIG | --db PATH] enroll HOA --pubkey FILE\n"
        "       roam-ims [-c CONFIG | --db PATH] revoke HOA\n"
        "       roam-ims [-c CONFIG | --db PATH] list\n"
        "       roam-ims query HOA --ims ADDRESS --ca FILE [--port P] [--server-name N]\n"
        "       roam-ims --help | --version\n");
}

/* What the network process could still reach of the store's files: the
 * database (or the etcd client key) should be out of reach, by the filter
 * or by being nobody; say which, and warn when it is not. */
static void probe_store_files(const ims_config *cfg)
{
    const char *path = cfg->etcd ? cfg->etcd_key : cfg->database;
    if (!*path)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0) {
        close(fd);
        roam_log("warning: the network process can still read %s ([ims] seccomp off and not "
                 "started as root?)", path);
        return;
    }
    roam_log("network process %d: %s is out of reach (%s)", (int)getpid(), path,
             strerror(errno));
}

/* The store process's death stops us.  Changing user clears this, so it
 * is set again after that. */
static int parent_watch(pid_t store_pid, char *err, size_t errlen)
{
    if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
        return roam_errf(err, errlen, "prctl: %s", strerror(errno));
    if (getppid() != store_pid)
        return roam_errf(err, errlen, "the store process is gone");
    return 0;
}

/* The network process: TLS, datagrams, messages, signatures; the store
 * only through req and feed.  Returns the exit code. */
static int serve_network(ims_config *cfg, pid_t store_pid, int req, int feed)
{
    char err[ROAM_ERR_MAX];
    if (parent_watch(store_pid, err, sizeof err) < 0) {
        roam_log("network process: %s", err);
        return 1;
    }
    ims_store *st = ims_store_open_remote(req, feed, err, sizeof err);
    if (!st) {
        roam_log("%s", err);
        return 1;
    }
    ims_server *s = ims_server_new(&cfg->server, st, err, sizeof err);
    if (!s) {
        roam_log("%s", err);
        ims_store_close(st);
        return 1;
    }
    running = s;
    if (stop_asked)
        ims_server_stop(s);
    /* Everything read and bound: from here on only what serving needs. */
    if (roam_privdrop(err, sizeof err) < 0 || parent_watch(store_pid, err, sizeof err) < 0 ||
        roam_sandbox_apply_profile(ROAM_SANDBOX_NETWORK, cfg->seccomp, err, sizeof err) < 0) {
        roam_log("network process: %s", err);
        running = NULL;
        ims_server_free(s);
        ims_store_close(st);
        return 1;
    }
    probe_store_files(cfg);
    roam_log("serving on port %d%s (%s %s, %zu enrolled from config)", ims_server_port(s),
            cfg->server.ack_key ? ", registration datagrams on UDP too" : "",
            cfg->etcd ? "etcd" : "database", cfg->etcd ? cfg->endpoints : cfg->database,
            cfg->n_enroll);
    int rc = ims_server_run(s, err, sizeof err);
    if (rc < 0)
        roam_log("%s", err);
    running = NULL;
    ims_server_free(s);
    ims_store_close(st);
    return rc < 0 ? 1 : 0;
}

/* The store process: opens the store, enrolls what the configuration
 * lists, then answers the network process until it ends.  0 or -1. */
static int serve_store(ims_config *cfg, int req, int feed)
{
    char err[ROAM_ERR_MAX];
    ims_store *st = ims_config_open_store(cfg, NULL, 1, err, sizeof err);
    if (!st) {
        roam_log("%s", err);
        return -1;
    }
    for (size_t i = 0; i < cfg->n_enroll; i++) {
        uint8_t pub[IMS_PUBKEY_LEN];
        char a[INET6_ADDRSTRLEN];
        if (ims_key_load_public(cfg->enroll[i].pubkey, pub, err, sizeof err) < 0 ||
            ims_store_enroll(st, cfg->enroll[i].hoa, pub, err, sizeof err) < 0) {
            roam_log("enroll %s: %s", ims_addr_str(cfg->enroll[i].hoa, a, sizeof a), err);
            ims_store_close(st);
            return -1;
        }
    }
    int rc = roam_sandbox_apply(cfg->seccomp, err, sizeof err);
    if (rc == 0)
        rc = ims_sep_store_serve(st, req, feed, err, sizeof err);
    if (rc < 0)
        roam_log("%s", err);
    ims_store_close(st);
    return rc;
}

/* Two processes (docs/mobility.md, "roam-ims's two processes"): this one
 * keeps the store, a child serves the network. */
static int serve(ims_config *cfg)
{
    int req[2], feed[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, req) < 0) {
        roam_log("socketpair: %s", strerror(errno));
        return 1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, feed) < 0) {
        roam_log("socketpair: %s", strerror(errno));
        close(req[0]);
        close(req[1]);
        return 1;
    }
    /* A stop asked for around the fork reaches both processes. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    pid_t store_pid = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(req[0]);
        close(feed[0]);
        exit(serve_network(cfg, store_pid, req[1], feed[1]));
    }
    network_pid = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(req[1]);
    close(feed[1]);
    if (pid < 0) {
        roam_log("fork: %s", strerror(errno));
        close(req[0]);
        close(feed[0]);
        return 1;
    }
    int rc = serve_store(cfg, req[0], feed[0]);
    close(req[0]);
    close(feed[0]);
    if (rc < 0)
        kill(pid, SIGTERM);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    network_pid = 0;
    if (WIFSIGNALED(status)) {
        roam_log("network process killed by signal %d%s", WTERMSIG(status),
                 WTERMSIG(status) == SIGSYS ? " (a call its seccomp filter forbids)" : "");
        rc = -1;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = -1;
    }
    roam_log("stopped");
    return rc < 0 ? 1 : 0;
}

static void print_mapping(const ims_mapping *m, void *arg)
{
    (void)arg;
    char a[INET6_ADDRSTRLEN];
    printf("%s seq %llu updated_ms %lld", ims_addr_str(m->hoa, a, sizeof a),
           (unsigned long long)m->seq, (long long)m->updated_ms);
    for (size_t i = 0; i < m->n; i++)
        printf(" %s=%s", ims_addr_str(m->b[i].moa, a, sizeof a),
               m->b[i].state == IMS_ACTIVE ? "active" : "standby");
    putchar('\n');
}

static int admin(const ims_config *cfg, const char *db, const char *cmd, const char *hoa_s,
                 const char *pubkey)
{
    char err[ROAM_ERR_MAX];
    uint8_t hoa[IMS_ADDR_LEN], pub[IMS_PUBKEY_LEN];
    if (strcmp(cmd, "list") != 0 && ims_addr_parse(hoa_s, hoa) < 0) {
        cli_usage_error(usage, "%s is not an IPv6 address", hoa_s);
        return 2;
    }
    if (strcmp(cmd, "enroll") == 0 && ims_key_load_public(pubkey, pub, err, sizeof err) < 0) {
        cli_err("%s", err);
        return 1;
    }
    /* Only enroll may create the database: list or revoke on a wrong path
     * must not leave an empty one behind and report success. */
    ims_store *st = ims_config_open_store(cfg, db, strcmp(cmd, "enroll") == 0, err, sizeof err);
    if (!st) {
        cli_err("%s", err);
        return 1;
    }
    int rc;
    if (strcmp(cmd, "enroll") == 0)
        rc = ims_store_enroll(st, hoa, pub, err, sizeof err);
    else if (strcmp(cmd, "revoke") == 0)
        rc = ims_store_revoke(st, hoa, err, sizeof err);
    else
        rc = ims_store_each(st, print_mapping, NULL, err, sizeof err);
    if (rc < 0)
        cli_err("%s", err);
    else if (strcmp(cmd, "revoke") == 0 && rc == 0)
        cli_err("%s was not enrolled", hoa_s);
    ims_store_close(st);
    return rc < 0 || (strcmp(cmd, "revoke") == 0 && rc == 0) ? 1 : 0;
}

static int query(const char *hoa_s, const char *ims, const char *port, const char *ca,
                 const char *name)
{
    char err[ROAM_ERR_MAX];
    uint8_t hoa[IMS_ADDR_LEN];
    if (ims_addr_parse(hoa_s, hoa) < 0) {
        cli_usage_error(usage, "%s is not an IPv6 address", hoa_s);
        return 2;
    }
    roam_tls_ctx *tls = roam_tls_client_ctx(ca, NULL, NULL, err, sizeof err);
    ims_client *c = tls ? ims_client_connect(tls, ims, port, name, NULL, NULL, 5000, err, sizeof err)
                        : NULL;
    uint64_t id;
    ims_message *m = NULL;
    int rc = 1;
    if (c && ims_client_query(c, hoa, &id, err, sizeof err) == 0 &&
        ims_client_wait(c, id, &m, 5000, NULL, NULL, err, sizeof err) == 1) {
        if (m->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING && m->mapping->known) {
            ims_mapping map;
            ims_mapping_from_pb(m->mapping, &map);
            print_mapping(&map, NULL);
            rc = 0;
        } else {
            snprintf(err, sizeof err, "%s is not enrolled", hoa_s);
        }
    }
    if (rc)
        cli_err("%s", err);
    ims_msg_free(m);
    ims_client_close(c);
    roam_tls_ctx_free(tls);
    return rc;
}

/* The command's name, operands and required options, checked before any
 * file is read (argv[0] is the command word when n > 0).  1 after a usage
 * error, which names what is wrong; the admin commands' messages carry the
 * command's name from here on. */
static int usage_error(const char *cmd, int n, char **argv, const char *pubkey,
                       const char *ims, const char *ca)
{
    static const char *const cmds[] = { "serve", "enroll", "revoke", "list", "query" };
    size_t i = 0;
    while (i < sizeof cmds / sizeof cmds[0] && strcmp(cmd, cmds[i]) != 0)
        i++;
    if (i == sizeof cmds / sizeof cmds[0]) {
        cli_usage_error(usage, "unknown command '%s'", cmd);
        return 1;
    }
    if (strcmp(cmd, "serve") != 0)
        cli_enter(cmd);
    int operands = strcmp(cmd, "serve") != 0 && strcmp(cmd, "list") != 0;
    const char *missing = operands && n < 2                       ? "HOA"
                          : strcmp(cmd, "enroll") == 0 && !pubkey ? "--pubkey"
                          : strcmp(cmd, "query") == 0 && !ims     ? "--ims"
                          : strcmp(cmd, "query") == 0 && !ca      ? "--ca"
                                                                  : NULL;
    if (missing)
        cli_usage_error(usage, "missing %s", missing);
    else if (n > 1 + operands)
        cli_usage_error(usage, "unexpected argument '%s'", argv[1 + operands]);
    return missing || n > 1 + operands;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "db", required_argument, NULL, 'd' },
        { "pubkey", required_argument, NULL, 'p' }, { "ims", required_argument, NULL, 'i' },
        { "port", required_argument, NULL, 'P' }, { "ca", required_argument, NULL, 'a' },
        { "server-name", required_argument, NULL, 'n' }, { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' }, { "check", no_argument, NULL, 'K' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *db = NULL, *pubkey = NULL, *ims = NULL, *port = IMS_DEFAULT_PORT,
               *ca = NULL, *name = NULL;
    int level = -1, check = 0, o;
    cli_start(argv, "roam-ims");
    while ((o = getopt_long(argc, argv, "c:vqh", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config = optarg; break;
        case 'd': db = optarg; break;
        case 'p': pubkey = optarg; break;
        case 'i': ims = optarg; break;
        case 'P': port = optarg; break;
        case 'a': ca = optarg; break;
        case 'n': name = optarg; break;
        case 'v': level = 2; break;
        case 'q': level = 0; break;
        case 'K': check = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': return cli_version();
        default: usage(stderr); return 2;
        }
    }
    if (check && optind == argc)
        return roam_diag_check_main("roam-ims", config, ims_check);
    if (check) {
        cli_usage_error(usage, "--check takes no command ('%s')", argv[optind]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = optind < argc ? argv[optind] : "serve";
    const char *arg = optind + 1 < argc ? argv[optind + 1] : NULL;
    if (usage_error(cmd, argc - optind, argv + optind, pubkey, ims, ca))
        return 2;
    if (strcmp(cmd, "query") == 0)
        return query(arg, ims, port, ca, name);
    char err[ROAM_ERR_MAX];
    ims_config cfg;
    if (ims_config_load(&cfg, config, err, sizeof err) < 0) {
        cli_err("%s", err);
        ims_config_free(&cfg);
        return 1;
    }
    roam_log_init("roam-ims", level >= 0 ? level : cfg.log_level);
    int rc;
    if (strcmp(cmd, "serve") == 0)
        rc = serve(&cfg);
    else
        rc = admin(&cfg, db, cmd, arg, pubkey);
    ims_config_free(&cfg);
    return rc;
}
