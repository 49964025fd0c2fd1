/* The etcd backend against a fake etcd that answers whatever the test
 * wants: malformed, lying, oversized and deeply nested answers are errors
 * (never a crash, never a wrong mapping); the record format round-trips
 * and refuses damaged records; endpoint lists are checked. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"
#include "ims_etcd_json.h"
#include "ims_etcd_rec.h"
#include "ims_store.h"
#include "tap.h"

#define PREFIX "/t/"

/* ---- a fake etcd: one canned answer per connection ---- */

static int lfd;
static const char *answer_status = "200 OK";
static char *answer;                       /* the next body */
static size_t answer_len;

static pthread_mutex_t answer_mu = PTHREAD_MUTEX_INITIALIZER;

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return NULL;
        char req[8192];
        size_t got = 0;
        /* Read the headers and the body (Content-Length). */
        for (;;) {
            ssize_t n = read(fd, req + got, sizeof req - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
            req[got] = '\0';
            char *end = strstr(req, "\r\n\r\n"), *cl = strcasestr(req, "Content-Length:");
            if (end && (!cl || got >= (size_t)(end + 4 - req) + (size_t)atoi(cl + 15)))
                break;
        }
        /* The answer is main's: it may set the next one as soon as the
         * client has read this one, before this thread is done with it. */
        pthread_mutex_lock(&answer_mu);
        char head[256];
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                          answer_status, answer_len);
        if (write(fd, head, (size_t)hl) != hl)
            perror("write");
        for (size_t off = 0; off < answer_len;) {
            ssize_t n = write(fd, answer + off, answer_len - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        close(fd);
        pthread_mutex_unlock(&answer_mu);
    }
}

static void say(const char *status, const char *body)
{
    pthread_mutex_lock(&answer_mu);
    free(answer);
    answer = strdup(body);
    answer_len = strlen(body);
    answer_status = status;
    pthread_mutex_unlock(&answer_mu);
}

static uint8_t HOA[16], OTHER[16], PUB[32];

/* A range answer holding one kv for hoa with value raw. */
static void say_kv(const uint8_t *hoa, const uint8_t *raw, size_t len, const char *mod)
{
    char key[IMS_KEY_MAX + 1], k64[256], v64[512], body[1024];
    size_t kl = ims_rec_key(PREFIX, hoa, key);
    etcd_b64_encode((const uint8_t *)key, kl, k64, sizeof k64);
    etcd_b64_encode(raw, len, v64, sizeof v64);
    snprintf(body, sizeof body,
             "{\"header\":{\"revision\":\"9\"},\"kvs\":[{\"key\":\"%s\",\"mod_revision\":%s,"
             "\"value\":\"%s\"}],\"count\":\"1\"}", k64, mod, v64);
    say("200 OK", body);
}

static int get(ims_store *st, ims_mapping *m, char *err, size_t len)
{
    return ims_store_get(st, HOA, m, NULL, err, len);
}

int main(void)
{
    ims_addr_parse("2001:db8:d::10", HOA);
    ims_addr_parse("2001:db8:d::11", OTHER);
    memset(PUB, 7, sizeof PUB);

    /* Records. */
    ims_mapping m = { .seq = 42, .updated_ms = 1234, .n = 2 };
    memcpy(m.hoa, HOA, 16);
    ims_addr_parse("2001:db8:a::5", m.b[0].moa);
    m.b[0].state = IMS_ACTIVE;
    ims_addr_parse("2001:db8:b::5", m.b[1].moa);
    m.b[1].state = IMS_STANDBY;
    uint8_t raw[IMS_REC_MAX], pub[32];
    size_t len = ims_rec_encode(&m, PUB, raw);
    ims_mapping back;
    char err[ROAM_ERR_MAX];
    tap_ok(len == 1 + 32 + 16 + 1 + 2 * 17 &&
           ims_rec_decode(raw, len, HOA, &back, pub, err, sizeof err) == 0 && back.seq == 42 &&
           back.updated_ms == 1234 && ims_mapping_same_bindings(&back, &m) &&
           memcmp(pub, PUB, 32) == 0, "a record round-trips (%zu bytes with 2 bindings)", len);
    uint8_t bad[IMS_REC_MAX];
    memcpy(bad, raw, len);
    bad[0] = 2;
    tap_ok(ims_rec_decode(bad, len, HOA, &back, NULL, err, sizeof err) < 0,
           "a record of another version is refused (%s)", err);
    tap_ok(ims_rec_decode(raw, len - 1, HOA, &back, NULL, err, sizeof err) < 0,
           "a cut record is refused (%s)", err);
    memcpy(bad, raw, len);
    bad[len - 1] = IMS_ACTIVE;   /* two active bindings */
    tap_ok(ims_rec_decode(bad, len, HOA, &back, NULL, err, sizeof err) < 0,
           "a record breaking the bindings rules is refused (%s)", err);
    char key[IMS_KEY_MAX + 1];
    size_t kl = ims_rec_key(PREFIX, HOA, key);
    uint8_t h[16];
    tap_ok(ims_rec_key_hoa(PREFIX, (const uint8_t *)key, kl, h) == 0 && memcmp(h, HOA, 16) == 0 &&
           ims_rec_key_hoa("/u/", (const uint8_t *)key, kl, h) < 0 &&
           ims_rec_key_hoa(PREFIX, (const uint8_t *)key, kl - 1, h) < 0,
           "keys name their HoA, nothing else (%s)", key);

    /* JSON and base64 helpers. */
    uint8_t out[8];
    tap_ok(etcd_b64_decode("YWJj", out, 3) == 3 && etcd_b64_decode("YWI=", out, 3) == 2 &&
           etcd_b64_decode("YWJjZA==", out, 3) < 0 && etcd_b64_decode("YW=j", out, 3) < 0 &&
           etcd_b64_decode("YWJ", out, 3) < 0 && etcd_b64_decode("", out, 3) == 0,
           "base64: padding, bounds and alphabet checked");
    char deep[420];
    strcpy(deep, "{\"a\":");
    memset(deep + 5, '[', 200);
    memset(deep + 205, ']', 200);
    strcpy(deep + 405, "}");
    tap_ok(!etcd_json_parse("{\"a\":1} x", 9, err, sizeof err) &&
           !etcd_json_parse("[1]", 3, err, sizeof err) &&
           !etcd_json_parse(deep, strlen(deep), err, sizeof err) && strstr(err, "nest"),
           "JSON: trailing bytes, non-objects and deep nesting refused");
    char urls[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX + 1];
    tap_ok(etcd_endpoints_parse("http://a:1, https://b:2/", urls, err, sizeof err) == 2 &&
           strcmp(urls[1], "https://b:2") == 0 &&
           etcd_endpoints_parse("ftp://a", urls, err, sizeof err) < 0 &&
           etcd_endpoints_parse(" , ", urls, err, sizeof err) < 0,
           "endpoint lists: http(s) URLs only, at least one");

    /* The fake etcd. */
    struct sockaddr_in sa = { .sin_family = AF_INET };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    socklen_t sl = sizeof sa;
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 8) < 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) {
        tap_ok(0, "fake etcd listening");
        return tap_done();
    }
    pthread_t th;
    pthread_create(&th, NULL, serve, NULL);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    ims_etcd_config cfg = { .endpoints = url, .prefix = PREFIX, .timeout_ms = 2000 };

    say("200 OK", "not json");
    ims_store *st = ims_store_open_etcd(&cfg, err, sizeof err);
    tap_ok(!st, "a member answering non-JSON is not a store (%s)", err);
    say("200 OK", "{\"header\":{\"revision\":\"3\"}}");
    st = ims_store_open_etcd(&cfg, err, sizeof err);
    tap_ok(st != NULL, "store open on the fake etcd");
    if (!st)
        return tap_done();

    say_kv(HOA, raw, len, "\"17\"");
    tap_ok(get(st, &back, err, sizeof err) == 1 && back.seq == 42 && back.n == 2,
           "a well-formed answer is read");
    say("200 OK", "{\"header\":{}}");
    tap_eq(get(st, &back, err, sizeof err), 0, "no kvs: not enrolled");
    say_kv(OTHER, raw, len, "\"17\"");
    tap_ok(get(st, &back, err, sizeof err) < 0, "a key that was not asked for: error (%s)", err);
    say_kv(HOA, bad, len, "\"17\"");
    tap_ok(get(st, &back, err, sizeof err) < 0, "a damaged record: error (%s)", err);
    say_kv(HOA, raw, len, "\"-3\"");
    tap_ok(get(st, &back, err, sizeof err) < 0, "a negative revision: error (%s)", err);
    say_kv(HOA, raw, len, "{}");
    tap_ok(get(st, &back, err, sizeof err) < 0, "a revision of the wrong type: error (%s)", err);
    say("200 OK", "{\"kvs\":[{\"key\":\"!!!!\",\"value\":\"\",\"mod_revision\":\"1\"}]}");
    tap_ok(get(st, &back, err, sizeof err) < 0, "a key that is not base64: error (%s)", err);
    say("200 OK", "{\"kvs\":[1,2]}");
    tap_ok(get(st, &back, err, sizeof err) < 0, "two answers to a single lookup: error (%s)",
           err);
    say("200 OK", "{\"kvs\":\"x\"}");
    tap_ok(get(st, &back, err, sizeof err) < 0, "kvs not a list: error (%s)", err);
    say("200 OK", "{\"kvs\":[{\"key\":");
    tap_ok(get(st, &back, err, sizeof err) < 0, "a cut answer: error (%s)", err);
    say("200 OK", deep);
    tap_ok(get(st, &back, err, sizeof err) < 0, "200 levels of nesting: error (%s)", err);
    say("503 Service Unavailable", "{\"error\":\"etcdserver: leader changed\",\"code\":14,"
        "\"message\":\"etcdserver: leader changed\"}");
    tap_ok(get(st, &back, err, sizeof err) < 0 && strstr(err, "leader changed"),
           "an etcd error is reported with its reason (%s)", err);
    size_t huge = ETCD_ANSWER_MAX + 10;
    char *big = malloc(huge + 1);
    memset(big, ' ', huge);
    big[0] = '{';
    big[huge - 1] = '}';
    big[huge] = '\0';
    say("200 OK", big);
    free(big);
    tap_ok(get(st, &back, err, sizeof err) < 0 && strstr(err, "longer"),
           "an answer over %u bytes: error (%s)", ETCD_ANSWER_MAX, err);
    say("200 OK", "{\"deleted\":\"5\"}");
    tap_ok(ims_store_revoke(st, HOA, err, sizeof err) < 0,
           "deleting one key and hearing 5 were deleted: error (%s)", err);
    say_kv(HOA, raw, len, "\"17\"");
    m.seq = 40;
    uint64_t cur = 0;
    tap_ok(ims_store_update(st, &m, &cur, err, sizeof err) == 1 && cur == 42,
           "an older sequence number is stale (stored 42)");
    ims_store_close(st);
    shutdown(lfd, SHUT_RDWR);
    close(lfd);
    pthread_join(th, NULL);
    free(answer);
    return tap_done();
}
