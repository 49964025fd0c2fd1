/* The hook socket's handler (see hook_server.h). */
#define _GNU_SOURCE
#include "hook_server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "date.h"
#include "deadline.h"
#include "domxml_check.h"
#include "errbuf.h"
#include "hook_io.h"
#include "host_caps.h"
#include "json.h"
#include "log.h"
#include "text.h"
#include "wire_limits.h"

/* What this host allows, for the XML check; the strings live in `store`. */
struct allow_store {
    struct roam_domxml_allow a;
    char emulators[ROAM_VIRT_EMULATORS_MAX][ROAM_VIRT_PATH_MAX];
    char pool[ROAM_VIRT_PATH_MAX];
    char boot[ROAMD_PATH_MAX], vm[ROAMD_PATH_MAX];
};

static void split_dirs(char *s, const char **out)
{
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(s, ":", &save); t && n < ROAM_DOMXML_LIST_MAX;
         t = strtok_r(NULL, ":", &save))
        out[n++] = t;
}

static int host_allows(struct roamd *d, struct allow_store *s, char *why, size_t whylen)
{
    memset(s, 0, sizeof *s);
    char err[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(d, err, sizeof err);
    if (!conn)
        return roam_errf(why, whylen, "this host's libvirt is not answering roamd: %s", err);
    int n = roam_virt_emulators(conn, s->emulators, ROAM_VIRT_EMULATORS_MAX, err, sizeof err);
    for (int i = 0; i < n && i < ROAM_DOMXML_LIST_MAX; i++)
        s->a.emulators[i] = s->emulators[i];
    if (d->cfg.storage_pool[0]) {
        if (roam_virt_pool_dir(conn, d->cfg.storage_pool, s->pool, sizeof s->pool, err,
                               sizeof err) == 0)
            s->a.disk_dir = s->pool;
        else
            roam_log("hook: %s: disks are refused", err);
    }
    virConnectClose(conn);
    if (n < 0)
        return roam_errf(why, whylen, "cannot list this host's emulators: %s", err);
    s->a.bridges[0] = d->cfg.bridge;
    snprintf(s->boot, sizeof s->boot, "%s", d->cfg.hook_boot_dirs);
    snprintf(s->vm, sizeof s->vm, "%s", d->cfg.hook_vm_dirs);
    split_dirs(s->boot, s->a.boot_dirs);
    split_dirs(s->vm, s->a.vm_dirs);
    s->a.base_dir = d->cfg.storage_base_dir;
    return 0;
}

static int audit(struct roamd *d, const char *vm, const char *src, const uint8_t *qid,
                 const char *outcome, const char *reason, int64_t daemon_us)
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "incoming-migration");
    roam_json_str(&j, "vm", vm);
    if (qid) {
        roam_json_str(&j, "src", src);
        roam_json_hex(&j, "query_id", qid, 16);
    }
    roam_json_str(&j, "outcome", outcome);
    if (reason)
        roam_json_str(&j, "reason", reason);
    roam_json_u64(&j, "daemon_us", (uint64_t)daemon_us);
    if (roamd_audit_commit(d->audit, &j, err, sizeof err) < 0) {
        roam_log("audit: %s", err);
        return -1;
    }
    return 0;
}

int roamd_hook_decide(struct roamd *d, const struct roamd_hook_req *q, char *why,
                      size_t whylen)
{
    int64_t t0 = roam_mono_us();
    struct allow_store *s = malloc(sizeof *s);
    char src[ROAM_NAME_MAX + 1] = "";
    uint8_t qid[16];
    int claimed = 0, r = -1;
    if (!s)
        roam_errf(why, whylen, "out of memory");
    else if (host_allows(d, s, why, whylen) == 0 &&
             roam_domxml_check(q->xml, q->xml_len, &s->a, why, whylen) == 0) {
        /* The XML first: a refused XML leaves the admission for a retry
         * with an acceptable one. */
        if (roamd_admission_claim(d->adm, q->name, roam_now_ms(), src, sizeof src, qid, why,
                                  whylen) == 0)
            claimed = 1, r = 0;
    }
    free(s);
    if (audit(d, q->name, src, claimed ? qid : NULL, r == 0 ? "allowed" : "refused",
              r == 0 ? NULL : why, roam_mono_us() - t0) < 0 && r == 0) {
        roam_errf(why, whylen, "the decision cannot be written to the audit log; refused");
        r = -1;
    }
    if (r == 0)
        roam_log("hook: incoming migration of %s from %s allowed", q->name, src);
    else
        roam_log("hook: incoming migration of %s refused: %s", q->name, why);
    return r;
}

void roamd_hook_serve(struct roamd *d, int fd)
{
    char err[ROAM_ERR_MAX], why[ROAM_ERR_MAX];
    int64_t deadline = roam_deadline(d->cfg.io_timeout_ms);
    uint8_t *buf = malloc(ROAMD_HOOK_REQ_MAX);
    struct roamd_hook_req q;
    struct roamd_hook_ans a = { 0 };
    long n = buf ? roamd_hook_read_msg(fd, buf, ROAMD_HOOK_REQ_MAX, deadline, err, sizeof err)
                 : roam_errf(err, sizeof err, "out of memory");
    if (n < 0 || roamd_hook_req_decode(buf, (size_t)n, &q, err, sizeof err) < 0) {
        roam_log("hook: bad request: %s", err);
        snprintf(a.reason, sizeof a.reason, "roamd: bad hook request");
    } else if (roamd_hook_decide(d, &q, why, sizeof why) == 0)
        a.allow = 1;
    else {
        /* The reason quotes paths from the XML: one clean line. */
        roam_text_clean(a.reason, sizeof a.reason, why);
        for (char *p = a.reason; (p = strpbrk(p, "\n\t"));)
            *p = ' ';
    }
    uint8_t out[ROAMD_HOOK_ANS_MAX];
    long m = roamd_hook_ans_encode(&a, out, sizeof out);
    if (m < 0 || roamd_hook_write_msg(fd, out, (size_t)m, deadline, err, sizeof err) < 0)
        roam_log("hook: cannot answer: %s", m < 0 ? "encoding" : err);
    free(buf);
    close(fd);
}

struct hook_job {
    struct roamd *d;
    int fd;
};

static void *hook_thread(void *arg)
{
    struct hook_job *j = arg;
    struct roamd *d = j->d;
    roamd_hook_serve(d, j->fd);
    free(j);
    roamd_session_end(d);
    return NULL;
}

void roamd_hook_accept(struct roamd *d)
{
    int fd = accept4(d->hook_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    struct hook_job *j = malloc(sizeof *j);
    if (!j) {
        close(fd);
        return;
    }
    j->d = d;
    j->fd = fd;
    if (roamd_session_spawn(d, hook_thread, j) < 0) {
        close(fd);
        free(j);
    }
}
