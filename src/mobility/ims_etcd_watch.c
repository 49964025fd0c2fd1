/* The etcd watch thread (see ims_etcd_watch.h). */
#include "ims_etcd_watch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "ims_etcd_json.h"
#include "ims_etcd_rec.h"
#include "log.h"

enum { ST_STOP, ST_LOST, ST_COMPACTED };

struct etcd_watch {
    etcd_http *http;              /* this thread's own: probes and revisions */
    char prefix[IMS_PREFIX_MAX + 1];
    char *body_key, *body_end;
    pthread_t thread;
    int started;
    atomic_int stop;
    CURLM *multi;                 /* of the stream under way (woken on stop) */
    pthread_mutex_t mu;           /* guards the queue, resync and multi */
    ims_change *q;
    size_t head, count;
    int resync;
    int efd;
    uint64_t last;                /* last revision delivered */
    /* the stream being read */
    char *line;
    size_t len, cap;
    int status;                   /* ST_* once the stream must end */
    int64_t heard_ms;             /* last data or probe that answered */
};

static void notify(etcd_watch *w)
{
    uint64_t one = 1;
    ssize_t r = write(w->efd, &one, sizeof one);
    (void)r;   /* a full counter is still readable: nothing is lost */
}

static void enqueue(etcd_watch *w, const ims_change *c)
{
    pthread_mutex_lock(&w->mu);
    if (w->count == ETCD_WATCH_QUEUE) {
        /* The reader fell behind: it re-reads instead of getting the lot. */
        w->count = 0;
        w->resync = 1;
    } else {
        w->q[(w->head + w->count) % ETCD_WATCH_QUEUE] = *c;
        w->count++;
    }
    pthread_mutex_unlock(&w->mu);
    notify(w);
}

static void set_resync(etcd_watch *w)
{
    pthread_mutex_lock(&w->mu);
    w->count = 0;
    w->resync = 1;
    pthread_mutex_unlock(&w->mu);
    notify(w);
}

/* One event of a watch answer.  0, or -1 if it is malformed. */
static int on_event(etcd_watch *w, json_object *ev)
{
    json_object *kv = etcd_json_obj(ev, "kv"), *type;
    if (!kv)
        return -1;
    int del = 0;
    if (json_object_object_get_ex(ev, "type", &type)) {
        if (!json_object_is_type(type, json_type_string))
            return -1;
        del = strcmp(json_object_get_string(type), "DELETE") == 0;
        if (!del && strcmp(json_object_get_string(type), "PUT") != 0)
            return -1;
    }
    uint8_t key[IMS_KEY_MAX], raw[IMS_REC_MAX], hoa[IMS_ADDR_LEN];
    uint64_t mod;
    ims_change c;
    memset(&c, 0, sizeof c);
    long kl = etcd_json_b64(kv, "key", key, sizeof key);
    if (kl < 0 || etcd_json_u64(kv, "mod_revision", &mod) < 0 || mod == 0 ||
        ims_rec_key_hoa(w->prefix, key, (size_t)kl, hoa) < 0)
        return -1;
    memcpy(c.m.hoa, hoa, IMS_ADDR_LEN);
    if (mod <= w->last)
        return 0;   /* already delivered (a replay after a reconnect) */
    w->last = mod;
    if (!del) {
        long vl = etcd_json_b64(kv, "value", raw, sizeof raw);
        char err[ROAM_ERR_MAX], a[46];
        if (vl < 0 ||
            ims_rec_decode(raw, (size_t)vl, hoa, &c.m, NULL, err, sizeof err) < 0) {
            roam_log("etcd watch: skipping a bad record for %s at revision %llu: %s",
                     ims_addr_str(hoa, a, sizeof a), (unsigned long long)mod, err);
            return 0;
        }
        c.known = 1;
    }
    enqueue(w, &c);
    return 0;
}

/* One line of the stream: {"result": {...}} or {"error": {...}}. */
static void on_line(etcd_watch *w, const char *buf, size_t len)
{
    char err[ROAM_ERR_MAX];
    json_object *o = etcd_json_parse(buf, len, err, sizeof err);
    json_object *res = o ? etcd_json_obj(o, "result") : NULL;
    if (!res) {
        roam_log("etcd watch: %s", o ? "the stream reported an error" : err);
        w->status = ST_LOST;
        json_object_put(o);
        return;
    }
    w->heard_ms = roam_now_ms();
    uint64_t compact;
    int canceled = etcd_json_bool(res, "canceled");
    if (etcd_json_u64(res, "compact_revision", &compact) < 0 || canceled < 0) {
        w->status = ST_LOST;
    } else if (compact > 0) {
        roam_log("etcd watch: history up to revision %llu compacted away (needed from %llu)",
                 (unsigned long long)compact, (unsigned long long)w->last + 1);
        w->status = ST_COMPACTED;
    } else if (canceled) {
        w->status = ST_LOST;
    } else {
        json_object *evs;
        size_t n;
        if (etcd_json_array(res, "events", &evs, &n) < 0)
            w->status = ST_LOST;
        for (size_t i = 0; i < n && !w->status; i++)
            if (on_event(w, json_object_array_get_idx(evs, i)) < 0) {
                roam_log("etcd watch: malformed event");
                w->status = ST_LOST;
            }
    }
    json_object_put(o);
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
    etcd_watch *w = arg;
    size_t n = size * nmemb;
    for (size_t i = 0; i < n && !w->status; i++) {
        if (p[i] == '\n') {
            if (w->len)
                on_line(w, w->line, w->len);
            w->len = 0;
            continue;
        }
        if (w->len + 1 >= w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 8192;
            char *b = cap <= ETCD_ANSWER_MAX ? realloc(w->line, cap) : NULL;
            if (!b) {
                roam_log("etcd watch: answer longer than %u bytes", ETCD_ANSWER_MAX);
                w->status = ST_LOST;
                break;
            }
            w->line = b;
            w->cap = cap;
        }
        w->line[w->len++] = p[i];
    }
    return w->status ? 0 : n;   /* 0 ends the transfer */
}

/* Does member i still answer a linearizable read (so it is part of a
 * quorum and the watch on it is live)? */
static int probe(etcd_watch *w, size_t i)
{
    char body[512], err[ROAM_ERR_MAX];
    snprintf(body, sizeof body, "{\"key\":\"%s\",\"range_end\":\"%s\",\"count_only\":true}",
             w->body_key, w->body_end);
    json_object *o = etcd_http_call_at(w->http, i, "/v3/kv/range", body, err, sizeof err);
    if (!o) {
        roam_log("etcd watch: %s", err);
        return -1;
    }
    json_object_put(o);
    return 0;
}

/* Read one watch stream on member i until it ends.  ST_*. */
static int stream(etcd_watch *w, size_t i)
{
    char url[ETCD_URL_MAX + 16], body[512];
    snprintf(url, sizeof url, "%s/v3/watch", etcd_http_url(w->http, i));
    snprintf(body, sizeof body,
             "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\","
             "\"start_revision\":\"%llu\"}}",
             w->body_key, w->body_end, (unsigned long long)w->last + 1);
    CURL *c = curl_easy_init();
    CURLM *m = curl_multi_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    w->len = 0;
    w->status = 0;
    w->heard_ms = roam_now_ms();
    int ok = c && m && hdr && etcd_http_setup(w->http, c) == 0 &&
             curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_WRITEDATA, w) == CURLE_OK &&
             curl_multi_add_handle(m, c) == CURLM_OK;
    if (ok) {
        pthread_mutex_lock(&w->mu);
        w->multi = m;
        pthread_mutex_unlock(&w->mu);
    }
    int st = ok ? 0 : ST_LOST;
    while (!st) {
        int running = 0;
        if (atomic_load(&w->stop)) {
            st = ST_STOP;
            break;
        }
        if (curl_multi_perform(m, &running) != CURLM_OK || w->status || !running) {
            st = w->status ? w->status : ST_LOST;
            if (!w->status) {
                int left;
                CURLMsg *msg = curl_multi_info_read(m, &left);
                long code = 0;
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
                roam_log("etcd watch on %s ended: %s (HTTP %ld)", etcd_http_url(w->http, i),
                         msg && msg->msg == CURLMSG_DONE ? curl_easy_strerror(msg->data.result)
                                                         : "stream closed", code);
            }
            break;
        }
        curl_multi_poll(m, NULL, 0, 500, NULL);
        if (roam_now_ms() - w->heard_ms >= ETCD_WATCH_PROBE_MS) {
            if (probe(w, i) < 0)
                st = ST_LOST;
            w->heard_ms = roam_now_ms();
        }
    }
    pthread_mutex_lock(&w->mu);
    w->multi = NULL;
    pthread_mutex_unlock(&w->mu);
    if (m && c)
        curl_multi_remove_handle(m, c);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    curl_multi_cleanup(m);
    return atomic_load(&w->stop) ? ST_STOP : st;
}

/* The cluster's current revision (after a compaction: resume from it). */
static int current_revision(etcd_watch *w, uint64_t *rev)
{
    char body[512], err[ROAM_ERR_MAX];
    snprintf(body, sizeof body, "{\"key\":\"%s\",\"range_end\":\"%s\",\"count_only\":true}",
             w->body_key, w->body_end);
    json_object *o = etcd_http_call(w->http, "/v3/kv/range", body, err, sizeof err);
    json_object *hdr = o ? etcd_json_obj(o, "header") : NULL;
    int rc = hdr && etcd_json_u64(hdr, "revision", rev) == 0 && *rev > 0 ? 0 : -1;
    if (rc < 0)
        roam_log("etcd watch: %s", o ? "answer without a revision" : err);
    json_object_put(o);
    return rc;
}

static void pause_ms(etcd_watch *w, int ms)
{
    for (int t = 0; t < ms && !atomic_load(&w->stop); t += 20)
        usleep(20000);
}

static void *run(void *arg)
{
    etcd_watch *w = arg;
    size_t n = etcd_http_count(w->http), i = (size_t)etcd_http_current(w->http);
    int backoff = 0;
    while (!atomic_load(&w->stop)) {
        int st = stream(w, i);
        if (st == ST_STOP)
            break;
        if (st == ST_COMPACTED) {
            uint64_t rev;
            if (current_revision(w, &rev) == 0) {
                roam_log("etcd watch: re-reading every subscription, watching from revision "
                         "%llu", (unsigned long long)rev + 1);
                w->last = rev;
                set_resync(w);
                continue;
            }
        }
        i = (i + 1) % n;
        backoff = backoff ? (backoff * 2 > 1000 ? 1000 : backoff * 2) : 50;
        roam_log("etcd watch: resuming from revision %llu on %s",
                 (unsigned long long)w->last + 1, etcd_http_url(w->http, i));
        pause_ms(w, backoff);
        if (st != ST_LOST)
            backoff = 0;
    }
    return NULL;
}

etcd_watch *etcd_watch_start(const ims_etcd_config *cfg, const char *prefix, const char *key,
                             const char *end, char *err, size_t errlen)
{
    etcd_watch *w = calloc(1, sizeof *w);
    if (!w) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    w->efd = -1;
    pthread_mutex_init(&w->mu, NULL);
    snprintf(w->prefix, sizeof w->prefix, "%s", prefix);
    w->body_key = strdup(key);
    w->body_end = strdup(end);
    w->q = calloc(ETCD_WATCH_QUEUE, sizeof *w->q);
    w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (!w->body_key || !w->body_end || !w->q || w->efd < 0) {
        roam_errf(err, errlen, "etcd watch: out of memory or file descriptors");
        etcd_watch_stop(w);
        return NULL;
    }
    w->http = etcd_http_new(cfg, err, errlen);
    if (!w->http || current_revision(w, &w->last) < 0) {
        if (w->http)
            roam_errf(err, errlen, "etcd watch: no member tells the current revision");
        etcd_watch_stop(w);
        return NULL;
    }
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        roam_errf(err, errlen, "etcd watch: cannot start its thread");
        etcd_watch_stop(w);
        return NULL;
    }
    w->started = 1;
    return w;
}

void etcd_watch_stop(etcd_watch *w)
{
    if (!w)
        return;
    if (w->started) {
        atomic_store(&w->stop, 1);
        pthread_mutex_lock(&w->mu);
        if (w->multi)
            curl_multi_wakeup(w->multi);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    etcd_http_free(w->http);
    pthread_mutex_destroy(&w->mu);
    if (w->efd >= 0)
        close(w->efd);
    free(w->q);
    free(w->line);
    free(w->body_key);
    free(w->body_end);
    free(w);
}

int etcd_watch_fd(const etcd_watch *w)
{
    return w->efd;
}

size_t etcd_watch_take(etcd_watch *w, ims_change *out, size_t max, int *resync)
{
    uint64_t v;
    ssize_t r = read(w->efd, &v, sizeof v);   /* re-armed by the next change */
    (void)r;
    pthread_mutex_lock(&w->mu);
    *resync = w->resync;
    w->resync = 0;
    size_t n = 0;
    for (; n < max && w->count > 0; n++) {
        out[n] = w->q[w->head];
        w->head = (w->head + 1) % ETCD_WATCH_QUEUE;
        w->count--;
    }
    int more = w->count > 0;
    pthread_mutex_unlock(&w->mu);
    if (more)
        notify(w);
    return n;
}
