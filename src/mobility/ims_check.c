/* roam-ims's configuration check (see ims_check.h). */
#include "ims_check.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "errbuf.h"
#include "fscheck.h"
#include "hostport.h"
#include "ims_attest.h"
#include "ims_config.h"
#include "ims_sign.h"
#include "ims_token.h"
#include "tls_check.h"

/* [store] with etcd: the TLS files load as the store would load them
 * (nothing is contacted). */
static void check_etcd(const ims_config *c, const char *path, roam_diag *d)
{
    struct roam_tls_file cert = { "cert", c->etcd_cert, ims_config_store_line(c, "cert") },
                         key = { "key", c->etcd_key, ims_config_store_line(c, "key") },
                         ca = { "ca", c->etcd_ca, ims_config_store_line(c, "ca") };
    if (c->etcd_cert[0] || c->etcd_key[0] || c->etcd_ca[0])
        roam_tls_check(ROAM_TLS_CHECK_CLIENT, &cert, &key, &ca, path, d);
}

static void check_files(const ims_config *c, const char *path, roam_diag *d)
{
    char why[ROAM_ERR_MAX], a[INET6_ADDRSTRLEN];
    struct roam_tls_file cert = { "cert", c->cert, ims_config_line(c, "cert") },
                         key = { "key", c->key, ims_config_line(c, "key") },
                         ca = { "client_ca", c->client_ca, ims_config_line(c, "client_ca") };
    roam_tls_check(ROAM_TLS_CHECK_SERVER, &cert, &key, &ca, path, d);
    if (c->ack_key[0]) {
        EVP_PKEY *k = ims_key_load_private(c->ack_key, why, sizeof why);
        if (!k)
            roam_diag_at(d, path, ims_config_line(c, "ack_key"), "key 'ack_key': %s", why);
        EVP_PKEY_free(k);
    }
    if (c->moa_secret[0]) {
        ims_token_key k;
        if (ims_token_key_load(&k, c->moa_secret, c->server.moa_token_epoch_s, why,
                               sizeof why) < 0)
            roam_diag_at(d, path, ims_config_line(c, "moa_secret"), "key 'moa_secret': %s",
                         why);
        ims_token_key_clear(&k);
    }
    if (c->attestors[0]) {
        ims_attestors t;
        ims_attestors_load(&t, c->attestors, d);   /* each problem at its own line */
        ims_attestors_free(&t);
    }
    if (!c->etcd && roam_fs_writable(c->database, why, sizeof why) < 0)
        roam_diag_at(d, path, ims_config_line(c, "database"), "key 'database': %s", why);
    if (c->etcd)
        check_etcd(c, path, d);
    for (size_t i = 0; i < c->n_enroll; i++) {
        uint8_t pub[IMS_PUBKEY_LEN];
        if (ims_key_load_public(c->enroll[i].pubkey, pub, why, sizeof why) < 0)
            roam_diag_at(d, path, c->enroll[i].line, "[enroll] %s: %s",
                         ims_addr_str(c->enroll[i].hoa, a, sizeof a), why);
    }
    if (c->listen[0] && !roam_host_valid(c->listen))
        roam_diag_at(d, path, ims_config_line(c, "listen"),
                     "key 'listen': '%s' is not an address or host name", c->listen);
}

int ims_check(const char *path, roam_diag *d)
{
    int before = d->count;
    ims_config c;
    ims_config_read(&c, path, d);
    if (c.enroll && access(path, R_OK) == 0)
        check_files(&c, path, d);
    ims_config_free(&c);
    return d->count > before ? -1 : 0;
}
