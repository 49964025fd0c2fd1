/* roam-ims's client for etcd's v3 JSON gateway (libcurl): one POST of a JSON
 * body, one JSON object back, on the first of the configured members that
 * answers.  Every request is bounded in time (timeout_ms) and every answer
 * in size (ETCD_ANSWER_MAX); TLS verifies the members against ca and shows
 * the client certificate cert/key if set. */
#ifndef ROAM_MOBILITY_IMS_ETCD_HTTP_H
#define ROAM_MOBILITY_IMS_ETCD_HTTP_H

#include <stddef.h>

#include <curl/curl.h>
#include <json-c/json.h>

#define ETCD_ENDPOINTS_MAX 8
#define ETCD_URL_MAX 200
#define ETCD_ANSWER_MAX (4u << 20)

typedef struct ims_etcd_config {
    const char *endpoints;       /* "URL,URL,..." (http:// or https://) */
    const char *ca;              /* NULL or "": the system's CAs */
    const char *cert, *key;      /* NULL or "": no client certificate */
    const char *prefix;          /* key prefix, e.g. "/roam/ims/" */
    int timeout_ms;              /* per request */
} ims_etcd_config;

/* Split "URL,URL,..." into out (ETCD_ENDPOINTS_MAX rows).  Count, or -1
 * with err (empty, too many, too long, not http(s)://). */
int etcd_endpoints_parse(const char *list, char out[][ETCD_URL_MAX + 1], char *err,
                         size_t errlen);

typedef struct etcd_http etcd_http;

/* Check cfg and get ready (no connection yet).  NULL with err. */
etcd_http *etcd_http_new(const ims_etcd_config *cfg, char *err, size_t errlen);
void etcd_http_free(etcd_http *h);

/* POST body to path ("/v3/kv/range") on the member last found working,
 * then each other member in turn until one answers 200 with a JSON object.
 * The object (json_object_put it), or NULL with err (the last member's
 * failure). */
json_object *etcd_http_call(etcd_http *h, const char *path, const char *body, char *err,
                            size_t errlen);

/* The same on member i only (no failing over).  */
json_object *etcd_http_call_at(etcd_http *h, size_t i, const char *path, const char *body,
                               char *err, size_t errlen);

/* The members, for the watch's own connection. */
size_t etcd_http_count(const etcd_http *h);
const char *etcd_http_url(const etcd_http *h, size_t i);
int etcd_http_current(const etcd_http *h);

/* Apply the TLS settings and limits shared by every connection to etcd to
 * a curl handle.  0 or -1. */
int etcd_http_setup(const etcd_http *h, CURL *c);

#endif
