/* roam-mat: the mobility agent (mobile node or correspondent), plus key
 * generation for mobile nodes and removal of a leftover table.  See
 * roam-mat(8). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli_msg.h"
#include "errbuf.h"
#include "mat_check.h"
#include "ims_sign.h"
#include "mat_agent.h"
#include "mat_config.h"
#include "mat_rules.h"
#include "log.h"
#include "sandbox.h"

static mat_agent *running;

static void on_stop(int sig)
{
    (void)sig;
    if (running)
        mat_agent_stop(running);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: roam-mat -c CONFIG [-v|-q]          run the agent\n"
        "       roam-mat -c CONFIG --check          check what the agent would load, then exit\n"
        "       roam-mat keygen --key FILE --pub FILE   make a mobile node's Ed25519 key pair\n"
        "       roam-mat -c CONFIG flush            remove the agent's nftables table\n"
        "       roam-mat --help | --version\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "key", required_argument, NULL, 'k' },
        { "pub", required_argument, NULL, 'p' }, { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' }, { "check", no_argument, NULL, 'K' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *key = NULL, *pub = NULL;
    int level = -1, check = 0, o;
    cli_start(argv, "roam-mat");
    while ((o = getopt_long(argc, argv, "c:vqh", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config = optarg; break;
        case 'k': key = optarg; break;
        case 'p': pub = optarg; break;
        case 'v': level = 2; break;
        case 'q': level = 0; break;
        case 'K': check = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': return cli_version();
        default: usage(stderr); return 2;
        }
    }
    if (check && optind == argc)
        return roam_diag_check_main("roam-mat", config, mat_check);
    if (check) {
        cli_usage_error(usage, "--check takes no command ('%s')", argv[optind]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = optind < argc ? argv[optind] : "run";
    char err[ROAM_ERR_MAX];
    if (strcmp(cmd, "run") != 0 && strcmp(cmd, "keygen") != 0 && strcmp(cmd, "flush") != 0) {
        cli_usage_error(usage, "unknown command '%s'", cmd);
        return 2;
    }
    if (optind < argc)
        cli_enter(cmd);
    if (optind + 1 < argc) {
        cli_usage_error(usage, "unexpected argument '%s'", argv[optind + 1]);
        return 2;
    }
    if (strcmp(cmd, "keygen") == 0) {
        if (!key || !pub) {
            cli_usage_error(usage, "missing %s", !key ? "--key" : "--pub");
            return 2;
        }
        if (ims_key_generate(key, pub, err, sizeof err) < 0) {
            cli_err("%s", err);
            return 1;
        }
        return 0;
    }
    if (!config) {
        cli_usage_error(usage, "missing --config");
        return 2;
    }
    mat_config cfg;
    if (mat_config_load(&cfg, config, err, sizeof err) < 0) {
        cli_err("%s", err);
        return 1;
    }
    roam_log_init("roam-mat", level >= 0 ? level : cfg.log_level);
    if (strcmp(cmd, "flush") == 0) {
        mat_nft *n = mat_nft_open(err, sizeof err);
        int rc = n ? mat_rules_remove(n, cfg.table, err, sizeof err) : -1;
        mat_nft_close(n);
        if (rc < 0)
            cli_err("%s", err);
        return rc < 0 ? 1 : 0;
    }
    /* The switch after a migration is latency-critical, and a benchmark may
     * keep the VM's CPU busy: a priority from the config, not from nice(1)
     * (busybox guests have none). */
    if (cfg.nice && setpriority(PRIO_PROCESS, 0, cfg.nice) < 0)
        roam_log("warning: cannot set nice %d: %s", cfg.nice, strerror(errno));
    mat_agent *a = mat_agent_new(&cfg, err, sizeof err);
    if (!a) {
        roam_log("%s", err);
        return 1;
    }
    running = a;
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* Configuration, keys and the nftables table are in place: from here on
     * only what the agent's loop needs. */
    if (roam_sandbox_apply(cfg.seccomp, err, sizeof err) < 0) {
        roam_log("%s", err);
        running = NULL;
        mat_agent_free(a);
        return 1;
    }
    int rc = mat_agent_run(a, err, sizeof err);
    if (rc < 0)
        roam_log("%s", err);
    running = NULL;
    mat_agent_free(a);
    return rc < 0 ? 1 : 0;
}
