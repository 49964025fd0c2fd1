/* roamd's shared state: start-up (keys, TLS, libvirt, audit log,
 * listeners, policies prepared ahead), shutdown, and the services the
 * connection handlers call (see daemon.h). */
#include "daemon.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "abe.h"
#include "date.h"
#include "errbuf.h"
#include "hook_io.h"
#include "metadata.h"
#include "sandbox.h"
#include "sock.h"
#include "tls.h"
#include "virt.h"

int roamd_load_mpk(const char *path, abe_mpk_t **out, char *err, size_t errlen)
{
    uint8_t *obj = NULL;
    size_t len;
    abe_obj_type type;
    *out = NULL;
    if (abe_keyfile_load(path, ABE_OBJ_MPK, &obj, &len, &type, err, errlen) < 0)
        return -1;
    abe_mpk_t *mpk = malloc(sizeof *mpk);
    int r = mpk ? abe_decode_mpk(mpk, obj, len) : ABE_ERR_MEMORY;
    abe_free_secret(obj, len);
    if (r != ABE_OK) {
        free(mpk);
        return roam_errf(err, errlen, "%s: %s", path, abe_strerror(r));
    }
    *out = mpk;
    return 0;
}

static int load_mpk(struct roamd *d, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    if (roamd_load_mpk(d->cfg.mpk, &d->mpk, why, sizeof why) < 0)
        return roam_errf(err, errlen, "key 'mpk': %s", why);
    return 0;
}

/* Prepare text (with today's expiry clause) in the policy cache and run one
 * throw-away encapsulation, so the first real challenge finds tables built
 * and memory touched.  0, or -1 with err if the policy does not compile. */
static int warm(struct roamd *d, const char *text, char *err, size_t errlen)
{
    char today[11];
    roam_today(today);
    const abe_prepared_t *pp = roamd_policy_get(d->policies, text, today, err, errlen);
    if (!pp)
        return -1;
    size_t cap = abe_kem_ct_size(pp), len;
    uint8_t *ct = malloc(cap ? cap : 1), key[ABE_KEM_KEY_BYTES];
    if (ct)
        (void)abe_kem_encaps(d->mpk, pp, ct, cap, &len, key);
    OPENSSL_cleanse(key, sizeof key);
    free(ct);
    roamd_policy_put(d->policies, pp);
    return 0;
}

/* Compile the accept policy (with today's expiry clause) now: a bad policy
 * stops the daemon at start-up, and the first challenge finds it prepared. */
static int check_accept_policy(struct roamd *d, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    if (warm(d, d->cfg.accept_policy, why, sizeof why) < 0)
        return roam_errf(err, errlen, "key 'accept_policy': %s", why);
    if (d->cfg.disclose_policy[0] && warm(d, d->cfg.disclose_policy, why, sizeof why) < 0)
        return roam_errf(err, errlen, "key 'disclose_policy': %s", why);
    return 0;
}

void roamd_prewarm_policy(struct roamd *d, virDomainPtr dom)
{
    char why[ROAM_ERR_MAX];
    char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, d->cfg.metadata_ns, 0);
    char *policy = NULL;
    if (xml && roam_virt_parse_policy(xml, &policy, why, sizeof why) == 0)
        (void)warm(d, policy, why, sizeof why);
    free(policy);
    free(xml);
}

/* The VMs here now (best effort: a VM without a usable policy is refused
 * later, with the reason). */
static void prewarm_vm_policies(struct roamd *d)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(d->virt, &doms, 0);
    for (int i = 0; i < n; i++) {
        if (i < ROAMD_POLICY_CACHE_MAX - 1)
            roamd_prewarm_policy(d, doms[i]);
        virDomainFree(doms[i]);
    }
    free(doms);
}

/* One pool per listener (conn_limit.h), so clients never take a peer's
 * place.  0 or -1. */
/* The TLS files load (the network process loads them again for itself):
 * a mistake is reported here, naming its key, before anything starts. */
static int check_tls(const struct roamd_config *cfg, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    roam_tls_ctx *c = roam_tls_server_ctx(cfg->cert, cfg->key, NULL, why, sizeof why);
    if (!c)
        return roam_errf(err, errlen, "keys 'cert'/'key': %s", why);
    roam_tls_ctx_free(c);
    if (!(c = roam_tls_server_ctx(cfg->peer_cert, cfg->peer_key, cfg->peer_ca, why, sizeof why)))
        return roam_errf(err, errlen, "keys 'peer_cert'/'peer_key'/'peer_ca': %s", why);
    roam_tls_ctx_free(c);
    if (!(c = roam_tls_client_ctx(cfg->peer_ca, cfg->peer_cert, cfg->peer_key, why, sizeof why)))
        return roam_errf(err, errlen, "keys 'peer_cert'/'peer_key'/'peer_ca': %s", why);
    roam_tls_ctx_free(c);
    return 0;
}

int roamd_init(struct roamd *d, const struct roamd_config *cfg, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->listen_fd = d->peer_fd = d->hook_fd = -1;
    d->cfg = *cfg;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->idle, NULL);
    char why[ROAM_ERR_MAX];
    d->policies = roamd_policy_cache_new();
    if (!d->policies)
        return roam_errf(err, errlen, "out of memory");
    if (roamd_config_router_check(cfg, err, errlen) < 0)
        return -1;
    if (load_mpk(d, err, errlen) < 0 || check_accept_policy(d, err, errlen) < 0)
        return -1;
    if (check_tls(cfg, err, errlen) < 0)
        return -1;
    if (cfg->peer_pins[0] && !(d->pins = roamd_peer_pins_load(cfg->peer_pins, why, sizeof why)))
        return roam_errf(err, errlen, "key 'peer_pins': %s", why);
    if (cfg->attest_key[0] && roamd_attester_load(&d->attest, cfg->attest_key, why,
                                                  sizeof why) < 0)
        return roam_errf(err, errlen, "key 'attest_key' in [mobility]: %s", why);
    d->audit = roamd_audit_open(cfg->audit_log, why, sizeof why);
    if (!d->audit)
        return roam_errf(err, errlen, "key 'audit_log': %s", why);
    d->adm = roamd_admissions_new((int64_t)cfg->admission_lifetime_s * 1000);
    d->rate = roamd_ratelimit_new(cfg->challenges_per_minute);
    if (!d->adm || !d->rate)
        return roam_errf(err, errlen, "out of memory");
    d->virt = roam_virt_open(cfg->libvirt_uri, why, sizeof why);
    if (!d->virt)
        return roam_errf(err, errlen, "key 'libvirt_uri': %s", why);
    prewarm_vm_policies(d);
    struct roamd_ra_pin pin;
    roamd_ra_pin_of(cfg, &pin);
    d->ra = roamd_ra_cache_start(cfg->uplink, &pin, cfg->ra_max_age_s, why, sizeof why);
    if (!d->ra)
        roam_log("warning: no RA listener on uplink %s (%s); RAs will be solicited per "
                  "request", cfg->uplink, why);
    const char *lh = strcmp(cfg->listen_host, "::") == 0 ? NULL : cfg->listen_host;
    d->listen_fd = roam_tcp_listen(lh, cfg->listen_port, 64, why, sizeof why);
    if (d->listen_fd < 0)
        return roam_errf(err, errlen, "key 'listen': %s", why);
    const char *ph = strcmp(cfg->peer_listen_host, "::") == 0 ? NULL : cfg->peer_listen_host;
    d->peer_fd = roam_tcp_listen(ph, cfg->peer_listen_port, 64, why, sizeof why);
    if (d->peer_fd < 0)
        return roam_errf(err, errlen, "key 'peer_listen': %s", why);
    roam_tcp_listen_fastopen(d->peer_fd);   /* the source's link opens in the SYN */
    d->client_port = roam_sock_port(d->listen_fd);
    d->peer_port = roam_sock_port(d->peer_fd);
    if (cfg->hook_socket[0]) {
        d->hook_fd = roamd_hook_listen(cfg->hook_socket, why, sizeof why);
        if (d->hook_fd < 0)
            return roam_errf(err, errlen, "key 'socket' in [hook]: %s", why);
    }
    return 0;
}

int roamd_sandbox_apply(const struct roamd_config *cfg, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    if (roam_sandbox_apply(cfg->seccomp, why, sizeof why) < 0)
        return roam_errf(err, errlen, "key 'seccomp': %s", why);
    return 0;
}

virConnectPtr roamd_virt(struct roamd *d, char *err, size_t errlen)
{
    pthread_mutex_lock(&d->lock);
    /* libvirtd closes a client that leaves its keepalive probes unanswered
     * (roamd runs no libvirt event loop), and the client side only notices
     * on its next call: ask a cheap question first, so that an idle daemon's
     * first migration does not fail on a connection closed long ago. */
    unsigned long version;
    if (d->virt && (virConnectIsAlive(d->virt) != 1 ||
                    virConnectGetLibVersion(d->virt, &version) < 0)) {
        roam_log("libvirt connection to %s lost: reconnecting", d->cfg.libvirt_uri);
        virConnectClose(d->virt);
        d->virt = NULL;
    }
    if (!d->virt)
        d->virt = roam_virt_open(d->cfg.libvirt_uri, err, errlen);
    virConnectPtr c = d->virt;
    if (c)
        virConnectRef(c);
    pthread_mutex_unlock(&d->lock);
    return c;
}

int roamd_client_port(const struct roamd *d)
{
    return d->client_port;
}

int roamd_peer_port(const struct roamd *d)
{
    return d->peer_port;
}

void roamd_fini(struct roamd *d)
{
    if (d->listen_fd >= 0)
        close(d->listen_fd);
    if (d->peer_fd >= 0)
        close(d->peer_fd);
    if (d->hook_fd >= 0) {
        close(d->hook_fd);
        unlink(d->cfg.hook_socket);   /* the hook then refuses at once */
    }
    roamd_ra_cache_stop(d->ra);
    if (d->virt)
        virConnectClose(d->virt);
    roamd_audit_close(d->audit);
    roamd_admissions_free(d->adm);
    roamd_ratelimit_free(d->rate);
    roamd_policy_cache_free(d->policies);
    roamd_peer_pins_free(d->pins);
    roamd_attester_free(&d->attest);
    free(d->mpk);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->idle);
    memset(d, 0, sizeof *d);
}

int roamd_is_me(const struct roamd *d, const char *hostport)
{
    char host[ROAMD_HOST_MAX], port[8];
    if (roam_split_hostport(hostport, host, sizeof host, port, sizeof port, "0") < 0)
        return 0;
    struct in6_addr a, b;
    if (inet_pton(AF_INET6, host, &a) == 1 && inet_pton(AF_INET6, d->cfg.name, &b) == 1)
        return memcmp(&a, &b, sizeof a) == 0;
    return strcasecmp(host, d->cfg.name) == 0;
}

int roamd_vm_lock(struct roamd *d, const char *vm)
{
    int r = -1;
    pthread_mutex_lock(&d->lock);
    int free_slot = -1, found = 0;
    for (int i = 0; i < ROAMD_BUSY_VMS; i++) {
        if (d->busy[i][0] && strcmp(d->busy[i], vm) == 0)
            found = 1;
        else if (!d->busy[i][0] && free_slot < 0)
            free_slot = i;
    }
    if (!found && free_slot >= 0 && strlen(vm) < sizeof d->busy[0]) {
        strcpy(d->busy[free_slot], vm);
        r = 0;
    }
    pthread_mutex_unlock(&d->lock);
    return r;
}

void roamd_vm_unlock(struct roamd *d, const char *vm)
{
    pthread_mutex_lock(&d->lock);
    for (int i = 0; i < ROAMD_BUSY_VMS; i++)
        if (strcmp(d->busy[i], vm) == 0)
            d->busy[i][0] = '\0';
    pthread_mutex_unlock(&d->lock);
}

int roamd_session_spawn(struct roamd *d, void *(*fn)(void *), void *arg)
{
    pthread_mutex_lock(&d->lock);
    d->sessions++;
    pthread_mutex_unlock(&d->lock);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&t, &at, fn, arg);
    pthread_attr_destroy(&at);
    if (r != 0) {
        roamd_session_end(d);
        return -1;
    }
    return 0;
}

void roamd_session_end(struct roamd *d)
{
    pthread_mutex_lock(&d->lock);
    d->sessions--;
    pthread_cond_broadcast(&d->idle);
    pthread_mutex_unlock(&d->lock);
}
