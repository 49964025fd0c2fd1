/* roam migrate VM --from HOST[:PORT] --to HOST[:PORT] [--key F] [--mpk F]
 * [--ca F] [--json] [--timeout S] [--dry-run] [--bandwidth MIB_PER_S]:
 * migrate the user's own VM between two VM servers.  Exit 0 when it runs on the destination, 1 when refused or
 * failed (with the phase and the reason), 2 on usage or local errors. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abe.h"
#include "cli_common.h"
#include "client_migrate.h"
#include "report.h"
#include "roam_cmds.h"
#include "wire_limits.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: roam migrate VM --from HOST[:PORT] --to HOST[:PORT]\n"
               "                    [--key KEY] [--mpk MPK] [--ca CA] [--json] [--timeout S]\n"
               "                    [--dry-run] [--bandwidth MIB_PER_S]\n"
               "Authenticates to both VM servers with your CP-ABE key and live-migrates VM\n"
               "from --from to --to, showing progress and the phase timings.\n"
               "--dry-run stops after both authentications and every check, changing\n"
               "nothing; --bandwidth caps libvirt's migration at MIB_PER_S MiB/s.\n"
               "Port default " ROAM_DEFAULT_PORT ".  Defaults: KEY = ~/.config/roam/user.key,\n"
               "MPK = ~/.config/roam/mpk.pem, CA = ~/.config/roam/ca.pem\n"
               "($XDG_CONFIG_HOME/roam when set).  Exit 0 migrated, 1 refused or failed,\n"
               "2 usage or local error.\n");
}

/* Decimal digits only (no sign, no suffix), 1..ROAM_BANDWIDTH_MAX_MIBS. */
static int parse_bandwidth(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > ROAM_BANDWIDTH_MAX_MIBS)
            return -1;
    }
    if (v == 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int roam_migrate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
        {"key", required_argument, NULL, 'k'}, {"mpk", required_argument, NULL, 'm'},
        {"ca", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {"dry-run", no_argument, NULL, 'n'}, {"bandwidth", required_argument, NULL, 'b'},
        {0, 0, 0, 0}};
    const char *from = NULL, *to = NULL, *key_path = NULL, *mpk_path = NULL, *ca_path = NULL;
    char kbuf[4096], mbuf[4096], cbuf[4096];
    int json = 0, timeout_s = 30, dry_run = 0, c;
    uint32_t bandwidth = 0;
    cli_prog = "roam migrate";
    while ((c = getopt_long(argc, argv, "f:t:k:m:c:jT:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'k': key_path = optarg; break;
        case 'm': mpk_path = optarg; break;
        case 'c': ca_path = optarg; break;
        case 'j': json = 1; break;
        case 'T':
            timeout_s = atoi(optarg);
            if (timeout_s < 1 || timeout_s > 3600) {
                cli_err("--timeout must be 1..3600 seconds");
                return 2;
            }
            break;
        case 'n': dry_run = 1; break;
        case 'b':
            if (parse_bandwidth(optarg, &bandwidth) < 0) {
                cli_err("--bandwidth must be a whole number of MiB/s, 1..%d",
                        ROAM_BANDWIDTH_MAX_MIBS);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind + 1 != argc || !from || !to) {
        if (optind + 1 < argc)
            cli_usage_error(usage, "unexpected argument '%s'", argv[optind + 1]);
        else
            cli_usage_error(usage, "missing %s", optind == argc ? "VM" : !from ? "--from" : "--to");
        return 2;
    }
    if ((!key_path && !(key_path = cli_default_path("user.key", kbuf, sizeof kbuf))) ||
        (!mpk_path && !(mpk_path = cli_default_path("mpk.pem", mbuf, sizeof mbuf))) ||
        (!ca_path && !(ca_path = cli_default_path("ca.pem", cbuf, sizeof cbuf)))) {
        cli_err("no HOME or XDG_CONFIG_HOME for the default key/mpk/ca paths; give them");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    abe_mpk_t *mpk = NULL;
    abe_key_t *key = NULL;
    if (cli_load_mpk(mpk_path, &mpk) < 0 || cli_load_key(key_path, &key) < 0) {
        free(mpk);
        return 2;
    }
    struct roam_client_id id = { .mpk = mpk, .key = key };
    id.has_fingerprint = abe_key_fingerprint(key, id.fingerprint) == ABE_OK;
    struct roam_migrate_req req = { .vm = argv[optind], .from = from, .to = to,
                                    .ca_file = ca_path, .timeout_ms = timeout_s * 1000,
                                    .progress = !json && isatty(2) ? stderr : NULL,
                                    .dry_run = dry_run, .bandwidth_mibs = bandwidth };
    static struct roam_migrate_result res;
    if (!json)
        fprintf(stderr, "%s %s from %s to %s\n", dry_run ? "dry run: checking" : "migrating",
                req.vm, from, to);
    int rc = roam_client_migrate(&req, &id, &res);
    if (json) {
        char out[4096];
        static Roam__V1__Error e = ROAM__V1__ERROR__INIT;
        e.phase = res.failed_phase;
        e.message = res.error;
        if (roam_result_json(out, sizeof out, req.vm, from, to,
                             res.have_timings ? &res.timings : NULL, rc ? &e : NULL) == 0)
            printf("%s\n", out);
    } else {
        if (rc == 0 || res.have_timings)
            roam_phase_table(stdout, &res.timings);
        if (rc == 0 && dry_run)
            printf("dry run: %s can migrate from %s to %s (nothing was changed)\n", req.vm,
                   from, to);
        else if (rc == 0)
            printf("%s now runs on %s\n", req.vm, to);
        else {
            /* "migration failed: <libvirt's reason>" already names its phase. */
            char head[64];
            snprintf(head, sizeof head, "%s failed", roam_phase_name(res.failed_phase));
            if (strncmp(res.error, head, strlen(head)) == 0)
                cli_err("%s", res.error);
            else
                cli_err("%s: %s", head, res.error);
        }
    }
    cli_free_key(key);
    free(mpk);
    return rc == 0 ? 0 : 1;
}
