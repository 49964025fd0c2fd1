/* A client connection (see client_session.h). */
#include "client_session.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "challenge.h"
#include "deadline.h"
#include "errbuf.h"
#include "locate_answer.h"
#include "metadata.h"
#include "msg.h"
#include "peer_early.h"
#include "query_id.h"
#include "source.h"
#include "virt.h"

/* The VM's migrate policy from its metadata in the configured namespace. */
static int vm_policy(struct roamd *d, const char *vm, const char *qid, char **policy, char *err,
                     size_t errlen)
{
    char why[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(d, why, sizeof why);
    if (!conn)
        return roam_errf(err, errlen, "libvirt unavailable on this server: %s", why);
    virDomainPtr dom = roam_virt_domain(conn, vm, why, sizeof why);
    virConnectClose(conn);   /* the domain keeps its own reference */
    if (!dom) {
        roam_log("query %s: VM %s: %s", qid, vm, why);   /* libvirt's reason stays here */
        return roam_errf(err, errlen, "no VM named %s on this server", vm);
    }
    char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, d->cfg.metadata_ns, 0);
    int r;
    /* The operator of this server can fix these: say how. */
    if (!xml)
        r = roam_errf(err, errlen, "VM %s has no migrate policy; set one with: "
                      "roam policy %s 'POLICY'", vm, vm);
    else if (roam_virt_parse_policy(xml, policy, why, sizeof why) < 0)
        r = roam_errf(err, errlen, "VM %s has no usable migrate policy (%s); set one with: "
                      "roam policy %s 'POLICY'", vm, why, vm);
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
    if (au->dry_run)
        roam_json_bool(&j, "dry_run", 1);
    if (reason)
        roam_json_str(&j, "reason", reason);
    if (o) {
        roam_json_i64(&j, "daemon_us", o->daemon_us);
        roam_json_i64(&j, "wall_us", o->wall_us);
    }
    char qid[ROAMD_QID_LEN];
    if (roamd_audit_commit(d->audit, &j, err, sizeof err) < 0) {
        roam_log("query %s: AUDIT FAILURE: %s",
                 roamd_qid(qid, au->query_id.data, au->query_id.len), err);
        return -1;
    }
    return 0;
}

/* Read the client's next message, which must be `body` or `also`.  On failure log
 * it (after what) and, if the client is still there to read it, answer a
 * protocol error. */
static int expect_either(roamd_link *c, roam_body body, roam_body also, roam_envelope **env,
                         int io, const char *addr, const char *what)
{
    roam_stream s = c->s;
    char err[ROAM_ERR_MAX], e2[ROAM_ERR_MAX];
    roam_status st = roam_msg_expect_either(&s, body, also, env, io, err, sizeof err);
    if (st == ROAM_OK)
        return 0;
    roam_log("client %s: %s%s", addr, what, err);
    if (st != ROAM_CLOSED && st != ROAM_EIO)
        (void)roam_msg_send_error(&s, ROAM__V1__PHASE__PHASE_PROTOCOL, err, io, e2, sizeof e2);
    return -1;
}

/* Before any challenge: is this the server the client names, is the client
 * within its rate, and which policy applies?  0 with *policy (free it), or
 * -1 with why.  For the migrate role, whatever depends on the VM is no
 * refusal here: *policy stays NULL and notice says why, for the sealed
 * challenge to tell only those who satisfy the disclose policy. */
static int precheck(struct roamd *d, const char *addr, const Roam__V1__Authenticate *au,
                    const char *qid, int accept, char **policy, char *why, size_t cap,
                    char *notice, size_t ncap)
{
    if (!roamd_is_me(d, accept ? au->dst : au->src))
        return roam_errf(why, cap, "this server is %s, not the %s %s", d->cfg.name,
                         accept ? "destination" : "source", accept ? au->dst : au->src);
    if (!roamd_ratelimit_allow(d->rate, addr, roam_now_ms()))
        return roam_errf(why, cap, "too many challenges from %s; try again in a minute", addr);
    if (!accept) {
        (void)vm_policy(d, au->vm, qid, policy, notice, ncap);
        return 0;
    }
    *policy = strdup(d->cfg.accept_policy);
    if (!*policy)
        return roam_errf(why, cap, "out of memory");
    return 0;
}

/* Authenticate au (query qid, received at started): the pre-checks, the
 * challenge, and for the accept role the admission; audited and answered.
 * For the migrate role, once the pre-checks pass, the link to the
 * destination opens meanwhile (*early; drop it when not used).
 * 0 granted (o says how), -1 refused. */
static int authenticate(struct roamd *d, roamd_link *c, const char *addr,
                        const Roam__V1__Authenticate *au, const char *qid, int64_t started,
                        struct roamd_auth_outcome *o, struct roamd_peer_early **early)
{
    int io = d->cfg.io_timeout_ms;
    int accept = au->role == ROAM__V1__ROLE__ROLE_ACCEPT;
    const char *role = accept ? "accept" : "migrate";
    Roam__V1__Phase phase = accept ? ROAM__V1__PHASE__PHASE_DEST_AUTH
                                   : ROAM__V1__PHASE__PHASE_SOURCE_AUTH;
    char why[ROAM_MESSAGE_MAX], notice[ROAM_MESSAGE_MAX] = "", *policy = NULL;
    if (precheck(d, addr, au, qid, accept, &policy, why, sizeof why, notice, sizeof notice) < 0) {
        audit_auth(d, addr, au, NULL, "refused", why);
        roam_log("client %s: query %s: refused before the challenge: %s", addr, qid, why);
        roamd_send_refusal(c, phase, why, io);
        return -1;
    }
    /* The VM is here and the client within its rate: the TCP and TLS
     * handshakes with the destination overlap the challenge's round trips. */
    if (!accept && policy)
        *early = roamd_peer_early_start(d, au->dst);
    /* The source may ask for the admission before this authentication
     * ends: its query waits for the outcome (roamd_handle_client ends it). */
    if (accept && !au->dry_run &&
        roamd_admission_expect(d->adm, au->query_id.data, roam_now_ms()) < 0)
        roam_log("client %s: query %s: too many authentications under way; "
                 "an early admission query is refused", addr, qid);
    int r = accept ? roamd_challenge(d->policies, d->mpk, c, au, policy, phase, io, started, o)
                   : roamd_challenge_sealed(d->policies, d->mpk, c, au,
                                            d->cfg.disclose_policy[0] ? d->cfg.disclose_policy
                                                                      : d->cfg.accept_policy,
                                            policy, notice, io, started, o);
    free(policy);
    if (r < 0) {
        audit_auth(d, addr, au, o, "refused", o->reason);
        roam_log("client %s: query %s: %s refused for VM %s: %s", addr, qid, role, au->vm,
                 o->reason);
        return -1;
    }
    char client[ROAMD_CLIENT_KEY_MAX];
    roamd_client_key(addr, client);
    /* A dry run's authentication records no admission: nothing it proves
     * can be used to migrate. */
    if (accept && !au->dry_run &&
        roamd_admission_add_for(d->adm, client, au->vm, au->src, au->query_id.data,
                                roam_now_ms(), why, sizeof why) < 0) {
        audit_auth(d, addr, au, o, "refused", why);
        roam_log("client %s: query %s: accept refused for VM %s: %s", addr, qid, au->vm, why);
        roamd_send_refusal(c, phase, why, io);
        return -1;
    }
    /* Fail closed: what cannot be recorded is not granted. */
    if (audit_auth(d, addr, au, o, accept && !au->dry_run ? "admitted" : "authenticated",
                   NULL) < 0) {
        if (accept && !au->dry_run)
            roamd_admission_drop(d->adm, au->query_id.data);
        snprintf(why, sizeof why, "the decision cannot be written to the audit log; refused");
        roamd_send_refusal(c, phase, why, io);
        return -1;
    }
    roam_log("client %s: query %s: %s granted for VM %s (daemon %lld us)", addr, qid, role,
             au->vm, (long long)o->daemon_us);
    /* Before the grant reaches the client: whoever holds a grant can ask
     * where the VM went, should it lose the source later. */
    if (!au->dry_run)
        roamd_locate_remember(d, au, o->locate_key);
    roamd_send_ok(c, io);
    return 0;
}

void roamd_handle_client(struct roamd *d, roamd_link *c, const char *addr)
{
    int io = d->cfg.io_timeout_ms;
    roam_envelope *env = NULL;
    struct roamd_auth_outcome o;
    struct roamd_peer_early *early = NULL;
    if (expect_either(c, ROAM__V1__ENVELOPE__BODY_AUTHENTICATE, ROAM__V1__ENVELOPE__BODY_LOCATE,
                      &env, io, addr, "") < 0)
        goto out;
    if (env->body_case == ROAM__V1__ENVELOPE__BODY_LOCATE) {
        roamd_handle_locate(d, c, addr, env->locate);
        goto out;
    }
    const Roam__V1__Authenticate *au = env->authenticate;
    char qid[ROAMD_QID_LEN];
    roamd_qid(qid, au->query_id.data, au->query_id.len);
    int r = authenticate(d, c, addr, au, qid, roam_now_ms(), &o, &early);
    if (au->role == ROAM__V1__ROLE__ROLE_ACCEPT)
        roamd_admission_expect_end(d->adm, au->query_id.data);
    if (r < 0 || au->role == ROAM__V1__ROLE__ROLE_ACCEPT)
        goto out;
    /* The source: the flow reads the client's Migrate itself. */
    roamd_source_migrate(d, c, addr, au, &o, early);
    early = NULL;   /* the flow took it */
out:
    OPENSSL_cleanse(o.locate_key, sizeof o.locate_key);
    roamd_peer_early_drop(early);
    roam_msg_free(env);
    roamd_link_close(c);
}
