/* roamd: the support daemon of one VM server (docs/roamd.md, roamd(8)).
 * Reads its configuration, then serves users and peer daemons until
 * SIGINT/SIGTERM.  `--check` only checks that it would start (check.h). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli_msg.h"
#include "daemon.h"
#include "errbuf.h"
#include "log.h"
#include "ra_guard.h"
#include "reconcile.h"
#include "roamd_config.h"
#include "server.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: roamd [-c CONFIG] [--check]\n"
               "       roamd --help | --version\n"
               "  -c, --config FILE  configuration (default /etc/roam/roamd.conf)\n"
               "      --check        check everything start-up would (files, keys, policy)\n"
               "                     and exit: 0, or 1 with every problem\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"check", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {0, 0, 0, 0}};
    const char *path = "/etc/roam/roamd.conf";
    int check = 0, c;
    cli_start(argv, "roamd");
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 'k': check = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': return cli_version();
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
        return 2;
    }
    if (check) {
        int rc = roam_diag_check_main("roamd", path, roamd_check);
        if (rc == 0)
            roamd_check_inflight(path, stdout);
        return rc;
    }
    static struct roamd_config cfg;
    char err[ROAM_ERR_MAX];
    roamd_config_defaults(&cfg);
    if (roamd_config_load(&cfg, path, err, sizeof err) < 0) {
        fprintf(stderr, "roamd: %s\n", err);
        return 1;
    }
    roam_log_init("roamd", 1);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    static struct roamd d;
    /* Guards that a roamd which died left on standby taps (ra_guard.h). */
    if (roamd_ra_guard_reset(err, sizeof err) < 0)
        roam_log("%s: a standby NIC may hear this host's router while its VM leaves", err);
    /* In-flight records left by a roamd that died mid-migration are
     * resolved (or their VMs held) before any client is served. */
    /* Then, with the files read, the sockets bound and the threads started,
     * the seccomp filter: from here on only what serving needs. */
    if (roamd_start(&d, &cfg, err, sizeof err) < 0 ||
        roamd_reconcile_start(&d, err, sizeof err) < 0 ||
        roamd_sandbox_apply(&cfg, err, sizeof err) < 0) {
        fprintf(stderr, "roamd: %s: %s\n", path, err);
        roamd_reconcile_stop(&d);
        roamd_stop(&d);
        return 1;
    }
    roam_log("%s ready: clients on port %d, peers on port %d, libvirt %s, bridge %s, uplink %s",
              cfg.name, roamd_client_port(&d), roamd_peer_port(&d), cfg.libvirt_uri, cfg.bridge,
              cfg.uplink);
    if (!cfg.migration_tls)
        roam_log("[migration] tls = no: VM memory and disks cross in clear, only for hosts "
                 "on one trusted network");
    roamd_run(&d, &stop_flag);
    roam_log("stopping");
    roamd_reconcile_stop(&d);
    roamd_stop(&d);
    return 0;
}
