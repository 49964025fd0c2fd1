/* Loopback etcd clusters for the tests (see etcd_cluster.h). */
#include "etcd_cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static pid_t spawn(etcd_cluster *c, int i, const char *cluster)
{
    char name[16], data[300], log[300], client[64], peer[64];
    snprintf(name, sizeof name, "m%d", i);
    snprintf(data, sizeof data, "%s/%s.etcd", c->dir, name);
    snprintf(log, sizeof log, "%s/%s.log", c->dir, name);
    snprintf(client, sizeof client, "http://127.0.0.1:%d", c->base + 2 * i);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", c->base + 2 * i + 1);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    execlp("etcd", "etcd", "--name", name, "--data-dir", data, "--listen-client-urls", client,
           "--advertise-client-urls", client, "--listen-peer-urls", peer,
           "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
           "--initial-cluster-state", "new", "--initial-cluster-token", c->dir,
           "--heartbeat-interval", "100", "--election-timeout", "1000", (char *)NULL);
    _exit(127);
}

static json_object *ask(const char *url, const char *path, const char *body)
{
    ims_etcd_config cfg = { .endpoints = url, .timeout_ms = 1000 };
    char err[ROAM_ERR_MAX];
    etcd_http *h = etcd_http_new(&cfg, err, sizeof err);
    json_object *o = h ? etcd_http_call(h, path, body, err, sizeof err) : NULL;
    etcd_http_free(h);
    return o;
}

int ec_start(etcd_cluster *c, const char *dir, int n, int base)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->base = base;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    char cluster[EC_MAX * 64] = "";
    for (int i = 0; i < n; i++) {
        size_t l = strlen(cluster);
        snprintf(cluster + l, sizeof cluster - l, "%sm%d=http://127.0.0.1:%d", i ? "," : "", i,
                 base + 2 * i + 1);
        snprintf(c->url[i], sizeof c->url[i], "http://127.0.0.1:%d", base + 2 * i);
        l = strlen(c->endpoints);
        snprintf(c->endpoints + l, sizeof c->endpoints - l, "%s%s", i ? "," : "", c->url[i]);
    }
    for (int i = 0; i < n; i++)
        if ((c->pid[i] = spawn(c, i, cluster)) < 0)
            return -1;
    for (int t = 0; t < 200; t++) {
        json_object *o = ask(c->endpoints, "/v3/kv/put", "{\"key\":\"cGluZw==\",\"value\":\"\"}");
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
        json_object *o = ask(c->url[i], "/v3/maintenance/status", "{}");
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

void ec_stop(etcd_cluster *c)
{
    for (int i = 0; i < c->n; i++)
        if (c->pid[i] > 0) {
            kill(c->pid[i], SIGCONT);
            ec_signal(c, i, SIGKILL);
        }
}
