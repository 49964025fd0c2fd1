/* roam-mat's configuration check (see mat_check.h). */
#include "mat_check.h"

#include <net/if.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include "errbuf.h"
#include "hostport.h"
#include "ims_sign.h"
#include "mat_config.h"
#include "tls_check.h"

static void check_mobile(const mat_config *c, const char *path, roam_diag *d)
{
    char why[ROAM_ERR_MAX];
    EVP_PKEY *k = ims_key_load_private(c->key, why, sizeof why);
    if (!k)
        roam_diag_at(d, path, mat_config_line(c, "mobile", "key"), "key 'key': %s", why);
    EVP_PKEY_free(k);
    uint8_t pub[IMS_PUBKEY_LEN];
    if (c->ims_ack_pubkey[0] && ims_key_load_public(c->ims_ack_pubkey, pub, why, sizeof why) < 0)
        roam_diag_at(d, path, mat_config_line(c, "ims", "ack_pubkey"), "key 'ack_pubkey': %s",
                     why);
    for (size_t i = 0; i < c->n_ifaces; i++)
        if (!roam_ifname_valid(c->ifaces[i]))
            roam_diag_at(d, path, mat_config_line(c, "mobile", "interfaces"),
                         "key 'interfaces': '%s' is not an interface name", c->ifaces[i]);
    /* The HoA goes on this device at start; the interfaces may come later. */
    if (!roam_ifname_valid(c->hoa_device) || if_nametoindex(c->hoa_device) == 0)
        roam_diag_at(d, path, mat_config_line(c, "mobile", "hoa_device"),
                     "key 'hoa_device': no interface '%s' here", c->hoa_device);
}

int mat_check(const char *path, roam_diag *d)
{
    int before = d->count;
    mat_config *c = malloc(sizeof *c);
    if (!c) {
        roam_diag_at(d, path, 0, "out of memory");
        return -1;
    }
    mat_config_read(c, path, d);
    if (access(path, R_OK) == 0) {
        struct roam_tls_file cert = { "cert", c->ims_cert, mat_config_line(c, "ims", "cert") },
                             key = { "key", c->ims_key, mat_config_line(c, "ims", "key") },
                             ca = { "ca", c->ims_ca, mat_config_line(c, "ims", "ca") };
        roam_tls_check(ROAM_TLS_CHECK_CLIENT, &cert, &key, &ca, path, d);
        if (c->ims_address[0] && !roam_host_valid(c->ims_address))
            roam_diag_at(d, path, mat_config_line(c, "ims", "address"),
                         "key 'address': '%s' is not an address or host name", c->ims_address);
        for (size_t i = 0; i < c->n_fallback; i++)
            if (!roam_host_valid(c->ims_fallback[i]))
                roam_diag_at(d, path, mat_config_line(c, "ims", "fallback"),
                             "key 'fallback': '%s' is not an address or host name",
                             c->ims_fallback[i]);
        if (c->role == MAT_MOBILE)
            check_mobile(c, path, d);
    }
    free(c);
    return d->count > before ? -1 : 0;
}
