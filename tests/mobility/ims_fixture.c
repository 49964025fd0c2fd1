/* IMS test fixture (see ims_fixture.h). */
#include "ims_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../proto/certs.h"
#include "errbuf.h"

int fx_init(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/roam-mob-test.XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    fx_path(fx, "ca.pem", fx->ca, sizeof fx->ca);
    fx_path(fx, "ims.pem", fx->cert, sizeof fx->cert);
    fx_path(fx, "ims.key", fx->key, sizeof fx->key);
    fx_path(fx, "ims.sqlite", fx->db, sizeof fx->db);
    snprintf(fx->prefix, sizeof fx->prefix, "/roam-test/%s/", strrchr(fx->dir, '/') + 1);
    struct test_ca ca;
    if (certs_make_ca(&ca, "roam test CA", fx->ca) < 0)
        return -1;
    int rc = certs_make_leaf(&ca, "ims.test", "DNS:ims.test,IP:::1,IP:127.0.0.1",
                             fx->cert, fx->key);
    certs_free_ca(&ca);
    if (rc < 0)
        return -1;
    char err[ROAM_ERR_MAX];
    fx->client_tls = roam_tls_client_ctx(fx->ca, NULL, NULL, err, sizeof err);
    return fx->client_tls ? 0 : -1;
}

void fx_path(const fixture *fx, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", fx->dir, name);
}

static void *serve(void *arg)
{
    fixture *fx = arg;
    char err[ROAM_ERR_MAX];
    if (ims_server_run(fx->server, err, sizeof err) < 0)
        fprintf(stderr, "server: %s\n", err);
    return NULL;
}

ims_store *fx_open_store(const fixture *fx, char *err, size_t errlen)
{
    if (!fx->etcd[0])
        return ims_store_open(fx->db, err, errlen);
    ims_etcd_config ec = { .endpoints = fx->etcd, .ca = fx->etcd_ca, .cert = fx->etcd_cert,
                           .key = fx->etcd_key, .prefix = fx->prefix, .timeout_ms = 2000 };
    return ims_store_open_etcd(&ec, err, errlen);
}

int fx_start(fixture *fx, int max_connections)
{
    char err[ROAM_ERR_MAX];
    fx->store = fx_open_store(fx, err, sizeof err);
    if (!fx->store) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    ims_server_config cfg;
    ims_server_config_defaults(&cfg);
    cfg.listen = "::1";
    cfg.port = "0";
    cfg.cert = fx->cert;
    cfg.key = fx->key;
    cfg.handshake_timeout_ms = 2000;
    if (fx->ack_key[0])
        cfg.ack_key = fx->ack_key;
    if (max_connections > 0)
        cfg.max_connections = max_connections;
    if (fx->idle_timeout_ms)
        cfg.idle_timeout_ms = fx->idle_timeout_ms;
    if (fx->max_per_source)
        cfg.max_per_source = fx->max_per_source;
    cfg.open_queries = !fx->closed_queries;
    if (fx->moa_secret[0])
        cfg.moa_secret = fx->moa_secret;
    if (fx->challenge_port)
        cfg.challenge_port = fx->challenge_port;
    if (fx->attestors[0])
        cfg.attestors = fx->attestors;
    fx->server = ims_server_new(&cfg, fx->store, err, sizeof err);
    if (!fx->server) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    snprintf(fx->port, sizeof fx->port, "%d", ims_server_port(fx->server));
    if (pthread_create(&fx->thread, NULL, serve, fx) != 0)
        return -1;
    fx->running = 1;
    return 0;
}

void fx_stop(fixture *fx)
{
    if (fx->running) {
        ims_server_stop(fx->server);
        pthread_join(fx->thread, NULL);
        fx->running = 0;
    }
    ims_server_free(fx->server);
    fx->server = NULL;
    ims_store_close(fx->store);
    fx->store = NULL;
}

ims_client *fx_client(fixture *fx)
{
    char err[ROAM_ERR_MAX];
    ims_client *c = ims_client_connect(fx->client_tls, "::1", fx->port, NULL, NULL, NULL, 3000,
                                       err, sizeof err);
    if (!c)
        fprintf(stderr, "client: %s\n", err);
    return c;
}

void fx_done(fixture *fx)
{
    fx_stop(fx);
    roam_tls_ctx_free(fx->client_tls);
    if (getenv("ROAM_TEST_KEEP")) {   /* to read the logs of a failed run */
        fprintf(stderr, "kept %s\n", fx->dir);
        return;
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", fx->dir);
}

int fx_etcd_start(fixture *fx, etcd_cluster *ec, int port, int *bare_refused)
{
    char dir[300], err[ROAM_ERR_MAX];
    struct test_ca eca;
    fx_path(fx, "etcd", dir, sizeof dir);
    fx_path(fx, "etcd-ca.pem", ec->ca, sizeof ec->ca);
    fx_path(fx, "etcd.pem", ec->srv_cert, sizeof ec->srv_cert);
    fx_path(fx, "etcd.key", ec->srv_key, sizeof ec->srv_key);
    fx_path(fx, "etcd-client.pem", ec->cli_cert, sizeof ec->cli_cert);
    fx_path(fx, "etcd-client.key", ec->cli_key, sizeof ec->cli_key);
    int ok = certs_make_ca(&eca, "etcd test CA", ec->ca) == 0;
    if (ok) {
        ok = certs_make_leaf(&eca, "etcd", "IP:127.0.0.1", ec->srv_cert, ec->srv_key) == 0 &&
             certs_make_leaf(&eca, "roam-ims", "DNS:roam-ims", ec->cli_cert, ec->cli_key) == 0;
        certs_free_ca(&eca);
    }
    ok = ok && mkdir(dir, 0700) == 0 && ec_start(ec, dir, 1, port) == 0;
    if (!ok) {
        ec_stop(ec);
        return -1;
    }
    snprintf(fx->etcd, sizeof fx->etcd, "%s", ec->endpoints);
    snprintf(fx->etcd_ca, sizeof fx->etcd_ca, "%s", ec->ca);
    snprintf(fx->etcd_cert, sizeof fx->etcd_cert, "%s", ec->cli_cert);
    snprintf(fx->etcd_key, sizeof fx->etcd_key, "%s", ec->cli_key);
    /* Without the client certificate the member refuses. */
    ims_etcd_config bare = { .endpoints = ec->endpoints, .ca = ec->ca, .timeout_ms = 2000 };
    ims_store *st = ims_store_open_etcd(&bare, err, sizeof err);
    *bare_refused = !st;
    ims_store_close(st);
    return 0;
}
