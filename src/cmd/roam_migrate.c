/* roam migrate VM --from HOST[:PORT] --to HOST[:PORT] [--key F] [--mpk F]
 * [--ca F] [--json] [--timeout S] [--dry-run] [--bandwidth MIB_PER_S]:
 * migrate the user's own VM between two VM servers.  The exit status says what kind of end it was (outcome.h,
 * roam(1)); with --json, stdout carries exactly one JSON object whatever
 * the end, local and usage errors included. */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abe.h"
#include "cli_common.h"
#include "client_locate.h"
#include "client_migrate.h"
#include "hostport.h"
#include "outcome.h"
#include "report.h"
#include "roam_cmds.h"
#include "wire_limits.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: roam migrate VM --from HOST[:PORT] --to HOST[:PORT]\n"
               "                    [--key KEY] [--mpk MPK] [--ca CA] [--json] [--timeout S]\n"
               "                    [--dry-run] [--bandwidth MIB_PER_S] [--locate-wait S]\n"
               "Authenticates to both VM servers with your CP-ABE key and live-migrates VM\n"
               "from --from to --to, showing progress and the phase timings.\n"
               "--dry-run stops after both authentications and every check, changing\n"
               "nothing; --bandwidth caps libvirt's migration at MIB_PER_S MiB/s.\n"
               "When the source stops answering mid-migration, both servers are asked\n"
               "where VM runs for up to --locate-wait S seconds (default 30; 0: don't).\n"
               "Port default " ROAM_DEFAULT_PORT ".  Defaults: KEY = ~/.config/roam/user.key,\n"
               "MPK = ~/.config/roam/mpk.pem, CA = ~/.config/roam/ca.pem\n"
               "($XDG_CONFIG_HOME/roam when set).  Exit 0 migrated, 1 refused, 2 usage or\n"
               "local error, 3 unreachable, 4 TLS identity, 5 failed with the VM still on the\n"
               "source, 6 outcome unknown (check where the VM runs), 7 post-processing failed\n"
               "with the VM on the destination, 8 the VM on the destination with\n"
               "post-processing still pending there or at the source; see roam(1).\n");
}

/* What the command answers, and how (--json or for a person). */
struct answer {
    int json, dry_run;
    const char *vm, *from, *to;
};

/* A failure before any query: the message is printed already (cli_err);
 * with --json also the object.  Returns the exit status. */
static int early_end(const struct answer *a, enum roam_outcome o, const char *phase)
{
    if (a->json) {
        char out[2048];
        struct roam_report r = { .vm = a->vm, .from = a->from, .to = a->to,
                                 .code = roam_outcome_code(o), .phase = phase,
                                 .message = cli_last_error() };
        if (roam_report_json(out, sizeof out, &r) == 0)
            printf("%s\n", out);
    }
    return roam_outcome_exit(o);
}

static int usage_error(const struct answer *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error(const struct answer *a, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_err("%s", msg);
    if (!a->json)
        usage(stderr);
    return early_end(a, ROAM_OUTCOME_USAGE, "options");
}

/* --json anywhere on the line, so that even an error in an option before
 * it is answered as JSON. */
static int wants_json(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--json") == 0)
            return 1;
    return 0;
}

/* Usage errors in --from / --to, found before any connection: a malformed
 * HOST[:PORT], port 0, or both naming the same server. */
static int check_servers(const struct answer *a)
{
    const char *const names[2] = {"--from", "--to"}, *const vals[2] = {a->from, a->to};
    for (int i = 0; i < 2; i++) {
        char host[256], port[8];
        if (roam_split_hostport(vals[i], host, sizeof host, port, sizeof port,
                                ROAM_DEFAULT_PORT) < 0 || atoi(port) == 0)
            return usage_error(a, "%s '%s' is not HOST[:PORT] (port 1..65535)", names[i],
                               vals[i]);
    }
    if (roam_same_hostport(a->from, a->to, ROAM_DEFAULT_PORT) == 1)
        return usage_error(a, "--from %s and --to %s name the same server: the VM is "
                           "already there", a->from, a->to);
    return 0;
}

/* The end of a migration attempt, for a person or as JSON; the exit status. */
static int report(const struct answer *a, const struct roam_migrate_result *res)
{
    char qid[33] = "";
    if (res->have_query_id)
        cli_hex(qid, res->query_id, sizeof res->query_id);
    const char *phase = res->outcome == ROAM_OUTCOME_LOCAL ? "setup"
                                                           : roam_phase_name(res->failed_phase);
    if (a->json) {
        char out[4096];
        struct roam_report r = { .vm = a->vm, .from = a->from, .to = a->to, .ok = res->ok,
                                 .dry_run = a->dry_run,
                                 .code = roam_outcome_code(res->outcome),
                                 .phase = res->ok ? NULL : phase,
                                 .message = res->ok ? NULL : res->error,
                                 .query_id = res->have_query_id ? res->query_id : NULL,
                                 .t = res->have_timings ? &res->timings : NULL,
                                 .copy = res->have_copy ? &res->copy : NULL };
        if (roam_report_json(out, sizeof out, &r) == 0)
            printf("%s\n", out);
        return roam_outcome_exit(res->outcome);
    }
    if (res->ok || res->have_timings)
        roam_phase_table(stdout, &res->timings);
    if (res->ok && a->dry_run) {
        printf("dry run: %s can migrate from %s to %s (nothing was changed)\n", a->vm,
               a->from, a->to);
        return 0;
    }
    if (res->ok) {
        if (res->error[0])   /* learnt from the hosts after the source went silent */
            cli_err("%s", res->error);
        printf("%s now runs on %s\n", a->vm, a->to);
        if (qid[0])
            printf("query id %s (both servers' logs carry it)\n", qid);
        return 0;
    }
    /* "migration failed: <libvirt's reason>" already names its phase. */
    char head[64];
    snprintf(head, sizeof head, "%s failed", phase);
    if (res->outcome == ROAM_OUTCOME_LOCAL || strncmp(res->error, head, strlen(head)) == 0)
        cli_err("%s", res->error);
    else
        cli_err("%s: %s", head, res->error);
    if (qid[0])
        cli_err("query id %s (both servers' logs carry it)", qid);
    return roam_outcome_exit(res->outcome);
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
        {"locate-wait", required_argument, NULL, 'L'},
        {0, 0, 0, 0}};
    const char *key_path = NULL, *mpk_path = NULL, *ca_path = NULL;
    char kbuf[4096], mbuf[4096], cbuf[4096];
    int timeout_s = 30, locate_wait_s = 30, c;
    uint32_t bandwidth = 0;
    struct answer a = { .json = wants_json(argc, argv) };
    opterr = 0;   /* usage_error names the option, in JSON too */
    while ((c = getopt_long(argc, argv, ":f:t:k:m:c:jT:hnb:L:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': a.from = optarg; break;
        case 't': a.to = optarg; break;
        case 'k': key_path = optarg; break;
        case 'm': mpk_path = optarg; break;
        case 'c': ca_path = optarg; break;
        case 'j': a.json = 1; break;
        case 'T':
            timeout_s = atoi(optarg);
            if (timeout_s < 1 || timeout_s > 3600)
                return usage_error(&a, "--timeout must be 1..3600 seconds");
            break;
        case 'n': a.dry_run = 1; break;
        case 'L':
            if (strspn(optarg, "0123456789") != strlen(optarg) || !*optarg ||
                (locate_wait_s = atoi(optarg)) > 600 || strlen(optarg) > 3)
                return usage_error(&a, "--locate-wait must be 0..600 seconds");
            break;
        case 'b':
            if (parse_bandwidth(optarg, &bandwidth) < 0)
                return usage_error(&a, "--bandwidth must be a whole number of MiB/s, 1..%d",
                                   ROAM_BANDWIDTH_MAX_MIBS);
            break;
        case 'h': usage(stdout); return 0;
        case ':': return usage_error(&a, "option '%s' requires an argument", argv[optind - 1]);
        default: return usage_error(&a, "unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc || !a.from || !a.to)
        return optind + 1 < argc
                   ? usage_error(&a, "unexpected argument '%s' (one VM only)", argv[optind + 1])
                   : usage_error(&a, "missing %s", optind == argc ? "VM" : !a.from ? "--from"
                                                                             : "--to");
    a.vm = argv[optind];
    if (check_servers(&a) != 0)
        return roam_outcome_exit(ROAM_OUTCOME_USAGE);
    if ((!key_path && !(key_path = cli_default_path("user.key", kbuf, sizeof kbuf))) ||
        (!mpk_path && !(mpk_path = cli_default_path("mpk.pem", mbuf, sizeof mbuf))) ||
        (!ca_path && !(ca_path = cli_default_path("ca.pem", cbuf, sizeof cbuf)))) {
        cli_err("no HOME or XDG_CONFIG_HOME for the default key/mpk/ca paths; give them");
        return early_end(&a, ROAM_OUTCOME_LOCAL, "setup");
    }
    signal(SIGPIPE, SIG_IGN);
    abe_mpk_t *mpk = NULL;
    abe_key_t *key = NULL;
    if (cli_load_mpk(mpk_path, &mpk) < 0 || cli_load_key(key_path, &key) < 0) {
        free(mpk);
        return early_end(&a, ROAM_OUTCOME_LOCAL, "setup");
    }
    struct roam_client_id id = { .mpk = mpk, .key = key };
    id.has_fingerprint = abe_key_fingerprint(key, id.fingerprint) == ABE_OK;
    struct roam_migrate_req req = { .vm = a.vm, .from = a.from, .to = a.to,
                                    .ca_file = ca_path, .timeout_ms = timeout_s * 1000,
                                    .progress = !a.json && isatty(2) ? stderr : NULL,
                                    .dry_run = a.dry_run, .bandwidth_mibs = bandwidth,
                                    .locate_wait_s = locate_wait_s };
    static struct roam_migrate_result res;
    if (!a.json)
        fprintf(stderr, "%s %s from %s to %s\n", a.dry_run ? "dry run: checking" : "migrating",
                req.vm, a.from, a.to);
    roam_client_migrate(&req, &id, &res);
    roam_client_after_lost_source(&req, &res);
    int status = report(&a, &res);
    cli_free_key(key);
    free(mpk);
    return status;
}
