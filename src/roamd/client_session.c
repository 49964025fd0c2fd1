/* A client connection (see client_session.h). */
#include "client_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "challenge.h"
#include "deadline.h"
#include "errbuf.h"
#include "metadata.h"
#include "msg.h"
#include "source.h"
#include "virt.h"

/* The VM's migrate policy from its metadata in the configured namespace. */
static int vm_policy(struct roamd *d, const char *vm, char **policy, char *err, size_t errlen)
{
    char why[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(d, why, sizeof why);
    if (!conn)
        return roam_errf(err, errlen, "libvirt unavailable on this server: %s", why);
    virDomainPtr dom = roam_virt_domain(conn, vm, why, sizeof why);
    virConnectClose(conn);   /* the domain keeps its own reference */
    if (!dom) {
        roam_log("VM %s: %s", vm, why);   /* libvirt's reason stays on this server */
        return roam_errf(err, errlen, "no VM named %s on this server", vm);
    }
    char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, d->cfg.metadata_ns, 0);
    int r;
    if (!xml)
        r = roam_errf(err, errlen, "VM %s has no migrate policy", vm);
    else if (roam_virt_parse_policy(xml, policy, why, sizeof why) < 0)
        r = roam_errf(err, errlen, "VM %s has no usable migrate policy (%s)", vm, why);
    else
        r = 0;
    free(xml);
    virDomainFree(dom);
    return r;
}

static int audit_auth(struct roamd *d, const char *addr, const Roam__V1__Authenticate *au,
                       const struct roamd_auth_outcome *o, const char *outcome,
                       const char *reason)
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "authenticate");
    roam_json_str(&j, "peer", addr);
    roam_json_str(&j, "role", au->role == ROAM__V1__ROLE__ROLE_ACCEPT ? "accept" : "migrate");
    roam_json_str(&j, "vm", au->vm);
    roam_json_str(&j, "src", au->src);
    roam_json_str(&j, "dst", au->dst);
    roam_json_hex(&j, "query_id", au->query_id.data, au->query_id.len);
    if (au->key_fingerprint.len)
        roam_json_hex(&j, "key_fingerprint_claimed", au->key_fingerprint.data,
                      au->key_fingerprint.len);
    if (o && o->policy[0]) {
        roam_json_str(&j, "policy", o->policy);
        /* What the holder proved: that its attributes satisfy this policy. */
        if (o->ok)
            roam_json_str(&j, "proved", o->policy);
    }
    roam_json_str(&j, "outcome", outcome);
    if (reason)
        roam_json_str(&j, "reason", reason);
    if (o) {
        roam_json_i64(&j, "daemon_us", o->daemon_us);
        roam_json_i64(&j, "wall_us", o->wall_us);
    }
    if (roamd_audit_commit(d->audit, &j, err, sizeof err) < 0) {
        roam_log("AUDIT FAILURE: %s", err);
        return -1;
    }
    return 0;
}

/* Read the client's next message, which must be `body`.  On failure log
 * it (after what) and, if the client is still there to read it, answer a
 * protocol error. */
static int expect(roam_tls_conn *c, roam_body body, roam_envelope **env, int io,
                  const char *addr, const char *what)
{
    roam_stream s = roam_tls_stream(c);
    char err[ROAM_ERR_MAX], e2[ROAM_ERR_MAX];
    roam_status st = roam_msg_expect(&s, body, env, io, err, sizeof err);
    if (st == ROAM_OK)
        return 0;
    roam_log("client %s: %s%s", addr, what, err);
    if (st != ROAM_CLOSED && st != ROAM_EIO)
        (void)roam_msg_send_error(&s, ROAM__V1__PHASE__PHASE_PROTOCOL, err, io, e2, sizeof e2);
    return -1;
}

/* Before any challenge: is this the server the client names, is the client
 * within its rate, and which policy applies?  0 with *policy (free it), or
 * -1 with why. */
static int precheck(struct roamd *d, const char *addr, const Roam__V1__Authenticate *au,
                    int accept, char **policy, char *why, size_t cap)
{
    if (!roamd_is_me(d, accept ? au->dst : au->src))
        return roam_errf(why, cap, "this server is %s, not the %s %s", d->cfg.name,
                         accept ? "destination" : "source", accept ? au->dst : au->src);
    if (!roamd_ratelimit_allow(d->rate, addr, roam_now_ms()))
        return roam_errf(why, cap, "too many challenges from %s; try again in a minute", addr);
    if (!accept)
        return vm_policy(d, au->vm, policy, why, cap);
    *policy = strdup(d->cfg.accept_policy);
    if (!*policy)
        return roam_errf(why, cap, "out of memory");
    return 0;
}

/* Authenticate au (received at started): the pre-checks, the challenge,
 * and for the accept role the admission; audited and answered.  0 granted
 * (o says how), -1 refused. */
static int authenticate(struct roamd *d, roam_tls_conn *c, const char *addr,
                        const Roam__V1__Authenticate *au, int64_t started,
                        struct roamd_auth_outcome *o)
{
    int io = d->cfg.io_timeout_ms;
    int accept = au->role == ROAM__V1__ROLE__ROLE_ACCEPT;
    const char *role = accept ? "accept" : "migrate";
    Roam__V1__Phase phase = accept ? ROAM__V1__PHASE__PHASE_DEST_AUTH
                                   : ROAM__V1__PHASE__PHASE_SOURCE_AUTH;
    char why[ROAM_MESSAGE_MAX], *policy = NULL;
    if (precheck(d, addr, au, accept, &policy, why, sizeof why) < 0) {
        audit_auth(d, addr, au, NULL, "refused", why);
        roam_log("client %s: refused before the challenge: %s", addr, why);
        roamd_send_refusal(c, phase, why, io);
        return -1;
    }
    int r = roamd_challenge(d->policies, d->mpk, c, au, policy, phase, io, started, o);
    free(policy);
    if (r < 0) {
        audit_auth(d, addr, au, o, "refused", o->reason);
        roam_log("client %s: %s refused for VM %s: %s", addr, role, au->vm, o->reason);
        return -1;
    }
    char client[ROAMD_CLIENT_KEY_MAX];
    roamd_client_key(addr, client);
    if (accept && roamd_admission_add_for(d->adm, client, au->vm, au->src, au->query_id.data,
                                          roam_now_ms(), why, sizeof why) < 0) {
        audit_auth(d, addr, au, o, "refused", why);
        roamd_send_refusal(c, phase, why, io);
        return -1;
    }
    /* Fail closed: what cannot be recorded is not granted. */
    if (audit_auth(d, addr, au, o, accept ? "admitted" : "authenticated", NULL) < 0) {
        if (accept)
            roamd_admission_drop(d->adm, au->query_id.data);
        snprintf(why, sizeof why, "the decision cannot be written to the audit log; refused");
        roamd_send_refusal(c, phase, why, io);
        return -1;
    }
    roam_log("client %s: %s granted for VM %s (daemon %lld us)", addr, role, au->vm,
              (long long)o->daemon_us);
    roamd_send_ok(c, io);
    return 0;
}

void roamd_handle_client(struct roamd *d, int fd, const char *addr)
{
    int io = d->cfg.io_timeout_ms;
    char err[ROAM_ERR_MAX];
    roam_tls_conn *c = roam_tls_accept(d->client_tls, fd, io, err, sizeof err);
    if (!c) {
        roam_log("client %s: TLS handshake: %s", addr, err);
        return;
    }
    roam_envelope *env = NULL, *mig = NULL;
    struct roamd_auth_outcome o;
    if (expect(c, ROAM__V1__ENVELOPE__BODY_AUTHENTICATE, &env, io, addr, "") < 0)
        goto out;
    const Roam__V1__Authenticate *au = env->authenticate;
    if (authenticate(d, c, addr, au, roam_now_ms(), &o) < 0 ||
        au->role == ROAM__V1__ROLE__ROLE_ACCEPT)
        goto out;
    /* The source: the client says where to. */
    if (expect(c, ROAM__V1__ENVELOPE__BODY_MIGRATE, &mig, io, addr,
               "no Migrate after authentication: ") == 0)
        roamd_source_migrate(d, c, addr, au, mig->migrate, &o);
out:
    roam_msg_free(mig);
    roam_msg_free(env);
    roam_tls_close(c, 1000);
}
