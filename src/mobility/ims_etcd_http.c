/* etcd JSON gateway requests (see ims_etcd_http.h). */
#include "ims_etcd_http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "ims_etcd_json.h"

struct etcd_http {
    CURL *curl;
    char url[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX + 1];
    size_t n;
    int cur;                      /* member that answered last */
    char *ca, *cert, *key;
    long timeout_ms;
};

typedef struct answer {
    char *buf;
    size_t len, cap;
    int too_long;
} answer;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int etcd_endpoints_parse(const char *list, char out[][ETCD_URL_MAX + 1], char *err,
                         size_t errlen)
{
    int n = 0;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ,");
        if (n == ETCD_ENDPOINTS_MAX)
            return roam_errf(err, errlen, "more than %d etcd endpoints", ETCD_ENDPOINTS_MAX);
        if (len > ETCD_URL_MAX)
            return roam_errf(err, errlen, "etcd endpoint longer than %d characters",
                             ETCD_URL_MAX);
        memcpy(out[n], p, len);
        out[n][len] = '\0';
        if (strncmp(out[n], "http://", 7) != 0 && strncmp(out[n], "https://", 8) != 0)
            return roam_errf(err, errlen, "etcd endpoint '%s' is not an http:// or https:// URL",
                             out[n]);
        while (len > 0 && out[n][len - 1] == '/')
            out[n][--len] = '\0';   /* paths are appended with their own '/' */
        n++;
        p += strcspn(p, " ,");
    }
    if (n == 0)
        return roam_errf(err, errlen, "no etcd endpoint");
    return n;
}

static char *dup_or_null(const char *s, int *fail)
{
    if (!s || !*s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *fail = 1;
    return d;
}

etcd_http *etcd_http_new(const ims_etcd_config *cfg, char *err, size_t errlen)
{
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        roam_errf(err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_rc));
        return NULL;
    }
    if ((cfg->cert && *cfg->cert) != (cfg->key && *cfg->key)) {
        roam_errf(err, errlen, "etcd client certificate and key go together");
        return NULL;
    }
    etcd_http *h = calloc(1, sizeof *h);
    if (!h) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    int n = etcd_endpoints_parse(cfg->endpoints ? cfg->endpoints : "", h->url, err, errlen);
    if (n < 0) {
        free(h);
        return NULL;
    }
    h->n = (size_t)n;
    int fail = 0;
    h->ca = dup_or_null(cfg->ca, &fail);
    h->cert = dup_or_null(cfg->cert, &fail);
    h->key = dup_or_null(cfg->key, &fail);
    h->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 2000;
    h->curl = curl_easy_init();
    if (fail || !h->curl) {
        roam_errf(err, errlen, "out of memory");
        etcd_http_free(h);
        return NULL;
    }
    return h;
}

void etcd_http_free(etcd_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h->ca);
    free(h->cert);
    free(h->key);
    free(h);
}

size_t etcd_http_count(const etcd_http *h)
{
    return h->n;
}

const char *etcd_http_url(const etcd_http *h, size_t i)
{
    return i < h->n ? h->url[i] : NULL;
}

int etcd_http_current(const etcd_http *h)
{
    return h->cur;
}

int etcd_http_setup(const etcd_http *h, CURL *c)
{
    int ok = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
    if (ok && h->ca)
        ok = curl_easy_setopt(c, CURLOPT_CAINFO, h->ca) == CURLE_OK;
    if (ok && h->cert)
        ok = curl_easy_setopt(c, CURLOPT_SSLCERT, h->cert) == CURLE_OK &&
             curl_easy_setopt(c, CURLOPT_SSLKEY, h->key) == CURLE_OK;
    return ok ? 0 : -1;
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
    answer *a = arg;
    size_t n = size * nmemb;
    if (n > ETCD_ANSWER_MAX - a->len) {
        a->too_long = 1;
        return 0;   /* makes curl fail the transfer */
    }
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < a->len + n + 1)
            cap *= 2;
        char *b = realloc(a->buf, cap);
        if (!b)
            return 0;
        a->buf = b;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
    a->buf[a->len] = '\0';
    return n;
}

/* etcd's own reason in a failed answer ({"error": ..., "message": ...}). */
static void etcd_reason(const answer *a, char *out, size_t len)
{
    snprintf(out, len, "?");
    json_object *o = a->buf ? etcd_json_parse(a->buf, a->len, NULL, 0) : NULL;
    json_object *m;
    if (o && json_object_object_get_ex(o, "message", &m) && json_object_is_type(m, json_type_string))
        snprintf(out, len, "%.200s", json_object_get_string(m));
    json_object_put(o);
}

static json_object *call_one(etcd_http *h, size_t i, const char *path, const char *body,
                             char *err, size_t errlen)
{
    char url[ETCD_URL_MAX + 64];
    snprintf(url, sizeof url, "%s%s", h->url[i], path);
    answer a = { 0 };
    CURL *c = h->curl;
    curl_easy_reset(c);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    if (!hdr || etcd_http_setup(h, c) < 0 ||
        curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &a) != CURLE_OK) {
        curl_slist_free_all(hdr);
        roam_errf(err, errlen, "etcd: cannot set up a request");
        return NULL;
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdr);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    json_object *o = NULL;
    if (a.too_long)
        roam_errf(err, errlen, "etcd %s: answer longer than %u bytes", h->url[i], ETCD_ANSWER_MAX);
    else if (rc != CURLE_OK)
        roam_errf(err, errlen, "etcd %s: %s", h->url[i], curl_easy_strerror(rc));
    else if (status != 200) {
        char why[256];
        etcd_reason(&a, why, sizeof why);
        roam_errf(err, errlen, "etcd %s: HTTP %ld: %s", h->url[i], status, why);
    } else {
        char perr[ROAM_ERR_MAX];
        o = etcd_json_parse(a.buf ? a.buf : "", a.len, perr, sizeof perr);
        if (!o)
            roam_errf(err, errlen, "etcd %s: %s", h->url[i], perr);
    }
    free(a.buf);
    return o;
}

json_object *etcd_http_call_at(etcd_http *h, size_t i, const char *path, const char *body,
                               char *err, size_t errlen)
{
    if (i >= h->n) {
        roam_errf(err, errlen, "etcd: no member %zu", i);
        return NULL;
    }
    return call_one(h, i, path, body, err, errlen);
}

json_object *etcd_http_call(etcd_http *h, const char *path, const char *body, char *err,
                            size_t errlen)
{
    for (size_t k = 0; k < h->n; k++) {
        size_t i = ((size_t)h->cur + k) % h->n;
        json_object *o = call_one(h, i, path, body, err, errlen);
        if (o) {
            h->cur = (int)i;
            return o;
        }
    }
    return NULL;
}
