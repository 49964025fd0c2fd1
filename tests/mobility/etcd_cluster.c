/* Loopback etcd clusters for the tests (see etcd_cluster.h). */
#include "etcd_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errbuf.h"
#include "ims_etcd_http.h"
#include "ims_etcd_json.h"

int ec_available(void)
{
    return system("etcd --version >/dev/null 2>&1") == 0;
}

static pid_t spawn(etcd_cluster *c, int i, const char *cluster, const char *state)
{
    char name[16], data[300], log[300], client[64], peer[64];
    snprintf(name, sizeof name, "m%d", i);
    snprintf(data, sizeof data, "%s/%s.etcd", c->dir, name);
    snprintf(log, sizeof log, "%s/%s.log", c->dir, name);
    snprintf(client, sizeof client, "%s://127.0.0.1:%d", c->ca[0] ? "https" : "http",
             c->base + 2 * i);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", c->base + 2 * i + 1);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* A test killed by its timeout must not leave members behind. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    if (c->ca[0])
        execlp("etcd", "etcd", "--name", name, "--data-dir", data, "--listen-client-urls", client,
               "--advertise-client-urls", client, "--listen-peer-urls", peer,
               "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
               "--initial-cluster-state", state, "--initial-cluster-token", c->dir,
               "--client-cert-auth", "--trusted-ca-file", c->ca, "--cert-file", c->srv_cert,
               "--key-file", c->srv_key, (char *)NULL);
    execlp("etcd", "etcd", "--name", name, "--data-dir", data, "--listen-client-urls", client,
           "--advertise-client-urls", client, "--listen-peer-urls", peer,
           "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
           "--initial-cluster-state", state, "--initial-cluster-token", c->dir,
           "--heartbeat-interval", "100", "--election-timeout", "1000", (char *)NULL);
    _exit(127);
}

static json_object *ask(const etcd_cluster *c, const char *url, const char *path,
                        const char *body)
{
    ims_etcd_config cfg = { .endpoints = url, .ca = c->ca, .cert = c->cli_cert,
                            .key = c->cli_key, .timeout_ms = 1000 };
    char err[ROAM_ERR_MAX];
    etcd_http *h = etcd_http_new(&cfg, err, sizeof err);
    json_object *o = h ? etcd_http_call(h, path, body, err, sizeof err) : NULL;
    etcd_http_free(h);
    return o;
}

static void cluster_arg(const etcd_cluster *c, char *out, size_t len)
{
    out[0] = '\0';
    for (int i = 0; i < c->n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, len - l, "%sm%d=http://127.0.0.1:%d", i ? "," : "", i,
                 c->base + 2 * i + 1);
    }
}

int ec_restart(etcd_cluster *c, int i)
{
    if (i < 0 || i >= c->n || c->pid[i] > 0)
        return -1;
    char cluster[EC_MAX * 64];
    cluster_arg(c, cluster, sizeof cluster);
    c->pid[i] = spawn(c, i, cluster, "existing");
    if (c->pid[i] <= 0)
        return -1;
    /* Ready once it answers a linearizable read itself. */
    for (int t = 0; t < 200; t++) {
        json_object *o = ask(c, c->url[i], "/v3/kv/range", "{\"key\":\"cGluZw==\"}");
        json_object_put(o);
        if (o)
            return 0;
        usleep(100000);
    }
    return -1;
}

/* Can a TCP listener bind 127.0.0.1:port now? */
static int port_free(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* A block of 2n free ports, searched from a place that differs between
 * processes, so that test runs of several checkouts side by side do not
 * start on each other's members.  (Another program may still take one
 * between this check and etcd's bind; etcd then fails to start, loudly.) */
static int free_base(int n)
{
    const int lo = 20000, blocks = 1200, width = 2 * EC_MAX + 2;
    int start = (int)((unsigned)getpid() % (unsigned)blocks);
    for (int k = 0; k < blocks; k++) {
        int base = lo + ((start + k) % blocks) * width, i;
        for (i = 0; i < 2 * n && port_free(base + i); i++)
            ;
        if (i == 2 * n)
            return base;
    }
    return -1;
}

int ec_start(etcd_cluster *c, const char *dir, int n, int base)
{
    if (n < 1 || n > EC_MAX)
        return -1;
    if (base == 0 && (base = free_base(n)) < 0)
        return -1;
    memset(c->pid, 0, sizeof c->pid);
    memset(c->url, 0, sizeof c->url);
    c->endpoints[0] = '\0';
    c->n = n;
    c->base = base;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    char cluster[EC_MAX * 64];
    cluster_arg(c, cluster, sizeof cluster);
    for (int i = 0; i < n; i++) {
        size_t l;
        snprintf(c->url[i], sizeof c->url[i], "%s://127.0.0.1:%d", c->ca[0] ? "https" : "http",
                 base + 2 * i);
        l = strlen(c->endpoints);
        snprintf(c->endpoints + l, sizeof c->endpoints - l, "%s%s", i ? "," : "", c->url[i]);
    }
    for (int i = 0; i < n; i++)
        if ((c->pid[i] = spawn(c, i, cluster, "new")) < 0)
            return -1;
    for (int t = 0; t < 200; t++) {
        json_object *o = ask(c, c->endpoints, "/v3/kv/put", "{\"key\":\"cGluZw==\",\"value\":\"\"}");
        json_object_put(o);
        if (o)
            return 0;
        usleep(100000);
    }
    return -1;
}

void ec_signal(etcd_cluster *c, int i, int sig)
{
    if (i < 0 || i >= c->n || c->pid[i] <= 0)
        return;
    kill(c->pid[i], sig);
    if (sig == SIGKILL) {
        waitpid(c->pid[i], NULL, 0);
        c->pid[i] = 0;
    }
}

int ec_leader(etcd_cluster *c)
{
    char ids[EC_MAX][32] = { { 0 } };
    char leader[32] = "";
    for (int i = 0; i < c->n; i++) {
        if (c->pid[i] <= 0)
            continue;
        json_object *o = ask(c, c->url[i], "/v3/maintenance/status", "{}");
        json_object *hdr = o ? etcd_json_obj(o, "header") : NULL, *v;
        if (hdr && json_object_object_get_ex(hdr, "member_id", &v))
            snprintf(ids[i], sizeof ids[i], "%s", json_object_get_string(v));
        if (o && json_object_object_get_ex(o, "leader", &v))
            snprintf(leader, sizeof leader, "%s", json_object_get_string(v));
        json_object_put(o);
    }
    for (int i = 0; i < c->n; i++)
        if (leader[0] && strcmp(ids[i], leader) == 0)
            return i;
    return -1;
}

typedef struct hist {
    char *buf;
    size_t len, cap;
    void (*fn)(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *arg);
    void *arg;
    long n;
    int bad;
} hist;

static void hist_line(hist *h, const char *line, size_t len)
{
    json_object *o = etcd_json_parse(line, len, NULL, 0);
    json_object *res = o ? etcd_json_obj(o, "result") : NULL, *evs, *t;
    size_t n;
    uint64_t compact;
    if (!res || etcd_json_array(res, "events", &evs, &n) < 0 ||
        etcd_json_u64(res, "compact_revision", &compact) < 0 || compact) {
        h->bad = 1;
        n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *ev = json_object_array_get_idx(evs, i);
        json_object *kv = etcd_json_obj(ev, "kv");
        if (!kv || json_object_object_get_ex(ev, "type", &t))
            continue;   /* DELETE */
        static uint8_t k[512], v[512];
        long kl = etcd_json_b64(kv, "key", k, sizeof k), vl = etcd_json_b64(kv, "value", v, sizeof v);
        if (kl < 0 || vl < 0) {
            h->bad = 1;
            continue;
        }
        h->fn(k, (size_t)kl, v, (size_t)vl, h->arg);
        h->n++;
    }
    json_object_put(o);
}

static size_t hist_data(char *p, size_t size, size_t nmemb, void *arg)
{
    hist *h = arg;
    size_t n = size * nmemb;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            hist_line(h, h->buf, h->len);
            h->len = 0;
            continue;
        }
        if (h->len + 1 >= h->cap) {
            size_t cap = h->cap ? 2 * h->cap : 65536;
            char *b = realloc(h->buf, cap);
            if (!b)
                return 0;
            h->buf = b;
            h->cap = cap;
        }
        h->buf[h->len++] = p[i];
    }
    return n;
}

long ec_history(etcd_cluster *c, const char *key, const char *end,
                void (*fn)(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *arg),
                void *arg)
{
    char k64[256], e64[256], body[700], url[128];
    etcd_b64_encode((const uint8_t *)key, strlen(key), k64, sizeof k64);
    etcd_b64_encode((const uint8_t *)end, strlen(end), e64, sizeof e64);
    snprintf(body, sizeof body,
             "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\",\"start_revision\":\"1\"}}",
             k64, e64);
    for (int i = 0; i < c->n; i++) {
        if (c->pid[i] <= 0)
            continue;
        hist h = { .fn = fn, .arg = arg };
        snprintf(url, sizeof url, "%s/v3/watch", c->url[i]);
        CURL *cu = curl_easy_init();
        if (!cu)
            return -1;
        curl_easy_setopt(cu, CURLOPT_URL, url);
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, 3000L);   /* the stream never ends */
        curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, hist_data);
        curl_easy_setopt(cu, CURLOPT_WRITEDATA, &h);
        CURLcode rc = curl_easy_perform(cu);
        curl_easy_cleanup(cu);
        free(h.buf);
        if (rc == CURLE_OPERATION_TIMEDOUT && !h.bad)
            return h.n;
    }
    return -1;
}

int ec_compact(etcd_cluster *c)
{
    for (int i = 0; i < c->n; i++) {
        if (c->pid[i] <= 0)
            continue;
        json_object *o = ask(c, c->url[i], "/v3/kv/range", "{\"key\":\"AA==\",\"count_only\":true}");
        json_object *hdr = o ? etcd_json_obj(o, "header") : NULL;
        uint64_t rev = 0;
        if (hdr)
            etcd_json_u64(hdr, "revision", &rev);
        json_object_put(o);
        if (!rev)
            continue;
        char body[96];
        snprintf(body, sizeof body, "{\"revision\":\"%llu\",\"physical\":true}",
                 (unsigned long long)rev);
        o = ask(c, c->url[i], "/v3/kv/compaction", body);
        json_object_put(o);
        if (o)
            return 0;
    }
    return -1;
}

void ec_stop(etcd_cluster *c)
{
    for (int i = 0; i < c->n; i++)
        if (c->pid[i] > 0) {
            kill(c->pid[i], SIGCONT);
            ec_signal(c, i, SIGKILL);
        }
}
