/* roamd's configuration check (see check.h). */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abe.h"
#include "daemon.h"
#include "date.h"
#include "errbuf.h"
#include "fscheck.h"
#include "hostport.h"
#include "net_monitor.h"
#include "reconcile.h"
#include "handover_send.h"
#include "peer_pins.h"
#include "roamd_config.h"
#include "tls_check.h"

struct ctx {
    const struct roamd_config *c;
    const char *file;
    roam_diag *d;
};

static int line(const struct ctx *x, const char *key)
{
    return roamd_config_line(x->c, "roamd", key);
}

static void check_mpk(const struct ctx *x)
{
    char why[ROAM_ERR_MAX];
    abe_mpk_t *mpk = NULL;
    if (x->c->mpk[0] && roamd_load_mpk(x->c->mpk, &mpk, why, sizeof why) < 0)
        roam_diag_at(x->d, x->file, line(x, "mpk"), "key 'mpk': %s", why);
    free(mpk);
}

/* As start-up compiles it: the text on its own (so the columns of a message
 * count in the operator's text), ANDed as a tree with today's expiry clause
 * (which can take a policy near the size limits past them). */
static void check_one_policy(const struct ctx *x, const char *key, const char *text)
{
    if (!text[0])
        return;
    abe_prepared_t *pp = calloc(1, sizeof *pp);
    abe_error_t perr;
    char today[11];
    if (!pp) {
        roam_diag_at(x->d, x->file, 0, "out of memory");
        return;
    }
    roam_today(today);
    abe_error_clear(&perr);
    if (abe_prepare_with_expiry(pp, text, strlen(text), today, 0, &perr) != ABE_OK)
        roam_diag_at(x->d, x->file, line(x, key), "key '%s': policy does not compile: %s",
                     key, perr.msg);
    else
        abe_prepared_clear(pp);
    free(pp);
}

static void check_policy(const struct ctx *x)
{
    check_one_policy(x, "accept_policy", x->c->accept_policy);
    check_one_policy(x, "disclose_policy", x->c->disclose_policy);
}

static void check_tls(const struct ctx *x)
{
    const struct roamd_config *c = x->c;
    struct roam_tls_file cert = { "cert", c->cert, line(x, "cert") },
                         key = { "key", c->key, line(x, "key") },
                         pcert = { "peer_cert", c->peer_cert, line(x, "peer_cert") },
                         pkey = { "peer_key", c->peer_key, line(x, "peer_key") },
                         pca = { "peer_ca", c->peer_ca, line(x, "peer_ca") };
    int own = roam_tls_check(ROAM_TLS_CHECK_SERVER, &cert, &key, NULL, x->file, x->d);
    /* Without peer_cert/peer_key the peers see cert/key, told above once. */
    int shared = !pcert.line && !pkey.line;
    if (shared && own < 0)
        roam_tls_check(ROAM_TLS_CHECK_CLIENT, NULL, NULL, &pca, x->file, x->d);
    else
        roam_tls_check(ROAM_TLS_CHECK_SERVER, &pcert, &pkey, &pca, x->file, x->d);
}

/* The pin file parses (peer_pins.h), as start-up would load it. */
static void check_pins(const struct ctx *x)
{
    char why[ROAM_ERR_MAX];
    if (!x->c->peer_pins[0])
        return;
    roamd_peer_pins *p = roamd_peer_pins_load(x->c->peer_pins, why, sizeof why);
    if (!p)
        roam_diag_at(x->d, x->file, line(x, "peer_pins"), "key 'peer_pins': %s", why);
    roamd_peer_pins_free(p);
}

/* The attestation key loads as start-up would load it (a secret). */
static void check_attest_key(const struct ctx *x)
{
    char why[ROAM_ERR_MAX];
    struct roamd_attester a;
    if (!x->c->attest_key[0])
        return;
    if (roamd_attester_load(&a, x->c->attest_key, why, sizeof why) < 0)
        roam_diag_at(x->d, x->file, roamd_config_line(x->c, "mobility", "attest_key"),
                     "key 'attest_key' in [mobility]: %s", why);
    else
        roamd_attester_free(&a);
}

static void check_addr(const struct ctx *x, const char *key, const char *host)
{
    if (!roam_host_valid(host))
        roam_diag_at(x->d, x->file, line(x, key), "key '%s': '%s' is not an address or host "
                     "name", key, host);
}

/* What binding the hook socket at start-up needs: an absolute path short
 * enough for a unix address, in a directory roamd may create it in. */
static void check_hook_socket(const struct ctx *x)
{
    const char *p = x->c->hook_socket;
    int at = roamd_config_line(x->c, "hook", "socket");
    char dir[ROAMD_PATH_MAX];
    if (!p[0])
        return;
    if (p[0] != '/' || strlen(p) > 107) {
        roam_diag_at(x->d, x->file, at, "key 'socket': '%s' is not an absolute path of at "
                     "most 107 bytes", p);
        return;
    }
    snprintf(dir, sizeof dir, "%s", p);
    char *slash = strrchr(dir, '/');
    slash[slash == dir] = '\0';
    if (access(dir, W_OK | X_OK) < 0)
        roam_diag_at(x->d, x->file, at, "key 'socket': directory %s: %s", dir, strerror(errno));
}

/* The state directory: an existing writable directory, or one roamd can
 * create (reconcile.h). */
static void check_state_dir(const struct ctx *x)
{
    char buf[ROAMD_PATH_MAX], why[ROAM_ERR_MAX];
    const char *dir = roamd_state_dir(x->c, buf, sizeof buf);
    struct stat st;
    int bad;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        bad = access(dir, W_OK | X_OK) < 0;
        if (bad)
            snprintf(why, sizeof why, "%s: %s", dir, strerror(errno));
    } else
        bad = roam_fs_writable(dir, why, sizeof why) < 0;
    if (bad)
        roam_diag_at(x->d, x->file, line(x, "state_dir"), "key 'state_dir': %s", why);
}

int roamd_check_inflight(const char *path, FILE *out)
{
    struct roamd_config *c = malloc(sizeof *c);
    struct roamd_inflight *r = calloc(ROAMD_INFLIGHT_MAX, sizeof *r);
    char err[ROAM_ERR_MAX], buf[ROAMD_PATH_MAX];
    size_t n = 0;
    if (c && r) {
        roamd_config_defaults(c);
        if (roamd_config_load(c, path, err, sizeof err) == 0)
            (void)roamd_inflight_load(roamd_state_dir(c, buf, sizeof buf), r,
                                      ROAMD_INFLIGHT_MAX, &n, 0, err, sizeof err);
    }
    for (size_t i = 0; i < n; i++) {
        char when[32];
        time_t t = (time_t)r[i].since;
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
        fprintf(out, "roamd: in-flight migration: %s of VM %s (query %s, peer %s) at step %s "
                "since %s (running now, or not yet resolved: see the audit log's "
                "\"reconcile\" events)\n",
                roamd_inflight_role_name(r[i].role), r[i].vm, r[i].query, r[i].peer,
                roamd_inflight_step_name(r[i].step), when);
    }
    free(r);
    free(c);
    return (int)n;
}

/* The network process's program, which roamd cannot serve without. */
static void check_net_program(const struct ctx *x)
{
    char buf[4096];
    const char *prog = roamd_net_program(buf, sizeof buf);
    if (access(prog, X_OK) < 0)
        roam_diag_at(x->d, x->file, 0, "roamd's network process %s: %s (install roamd-net "
                     "beside roamd or in libexecdir/roam, or name it in ROAMD_NET_PROGRAM)",
                     prog, strerror(errno));
}

int roamd_check(const char *path, roam_diag *d)
{
    struct roamd_config *c = malloc(sizeof *c);
    if (!c) {
        roam_diag_at(d, path, 0, "out of memory");
        return -1;
    }
    int before = d->count;
    roamd_config_defaults(c);
    roamd_config_read(c, path, d);
    if (access(path, R_OK) == 0) {
        struct ctx x = { c, path, d };
        char why[ROAM_ERR_MAX];
        check_mpk(&x);
        check_policy(&x);
        check_tls(&x);
        check_pins(&x);
        check_attest_key(&x);
        if (roam_fs_writable(c->audit_log, why, sizeof why) < 0)
            roam_diag_at(d, path, line(&x, "audit_log"), "key 'audit_log': %s", why);
        if (roamd_config_router_check(c, why, sizeof why) < 0)
            roam_diag_at(d, path, line(&x, "uplink"), "%s", why);
        check_addr(&x, "listen", c->listen_host);
        check_addr(&x, "peer_listen", c->peer_listen_host);
        if (c->name[0])
            check_addr(&x, "name", c->name);
        check_hook_socket(&x);
        check_state_dir(&x);
        check_net_program(&x);
    }
    free(c);
    return d->count > before ? -1 : 0;
}
