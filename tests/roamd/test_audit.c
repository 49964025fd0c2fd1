/* JSON escaping (quotes, control characters, invalid UTF-8, overflow) and
 * the audit log (one fsync'd line per entry, appended; entries committed
 * at once from many threads, sharing fsyncs, each whole and each told the
 * result of the fsync that covered it). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "errbuf.h"
#include "json.h"
#include "tap.h"

static void test_json(void)
{
    char buf[512];
    struct roam_json j;
    roam_json_init(&j, buf, sizeof buf);
    roam_json_str(&j, "a", "q\"b\\s\nl\x01\x7f");
    roam_json_u64(&j, "n", 18446744073709551615ull);
    roam_json_i64(&j, "m", -5);
    roam_json_bool(&j, "t", 1);
    static const uint8_t h[] = { 0xde, 0xad };
    roam_json_hex(&j, "h", h, 2);
    roam_json_obj_begin(&j, "o");
    roam_json_str(&j, "x", NULL);
    roam_json_obj_end(&j);
    tap_eq(roam_json_finish(&j), 0, "finishes");
    tap_eq_str(buf, "{\"a\":\"q\\\"b\\\\s\\u000al\\u0001\\u007f\",\"n\":18446744073709551615,"
                       "\"m\":-5,\"t\":true,\"h\":\"dead\",\"o\":{\"x\":null}}",
           "escaping and types: %s", buf);

    roam_json_init(&j, buf, sizeof buf);
    roam_json_str(&j, "u", "caf\xc3\xa9 \xe2\x82\xac \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80");
    roam_json_finish(&j);
    tap_eq_str(buf, "{\"u\":\"caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xf0\x9f\x98\x80\"}",
           "valid UTF-8 kept, invalid bytes (0xff, overlong, surrogate) replaced");

    char small[16];
    roam_json_init(&j, small, sizeof small);
    roam_json_str(&j, "key", "a long value that does not fit");
    tap_ok(roam_json_finish(&j) < 0, "overflow reported, not truncated silently");

    roam_json_init(&j, buf, sizeof buf);
    roam_json_strn(&j, "k\"ey", "ab\0cd", 5);
    roam_json_finish(&j);
    tap_eq_str(buf, "{\"k\\\"ey\":\"ab\\u0000cd\"}", "keys escaped, NUL escaped: %s", buf);
}

static void test_audit(void)
{
    char path[] = "/tmp/roamd-audit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char err[ROAM_ERR_MAX], buf[ROAMD_AUDIT_LINE_MAX];
    roamd_audit *a = roamd_audit_open(path, err, sizeof err);
    tap_ok(a != NULL, "audit log opens");
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "authenticate");
    roam_json_str(&j, "vm", "evil\"}\n{\"forged\":1");
    tap_eq(roamd_audit_commit(a, &j, err, sizeof err), 0, "entry appended");
    roamd_audit_begin(&j, buf, sizeof buf, "migrate");
    roam_json_str(&j, "outcome", "migrated");
    tap_eq(roamd_audit_commit(a, &j, err, sizeof err), 0, "second entry appended");
    char small[64];
    roamd_audit_begin(&j, small, sizeof small, "x");
    roam_json_str(&j, "big", "0123456789012345678901234567890123456789");
    tap_ok(roamd_audit_commit(a, &j, err, sizeof err) < 0, "oversize entry refused whole");
    roamd_audit_close(a);
    FILE *f = fopen(path, "r");
    char line[1024];
    int lines = 0, forged = 0, timed = 0;
    while (f && fgets(line, sizeof line, f)) {
        lines++;
        forged += strncmp(line, "{\"forged\"", 9) == 0;
        timed += strncmp(line, "{\"time\":\"20", 11) == 0 && line[strlen(line) - 2] == '}';
    }
    if (f)
        fclose(f);
    tap_ok(lines == 2 && forged == 0 && timed == 2, "two lines, each one object with a time, "
           "no forged line (%d lines)", lines);
    a = roamd_audit_open(path, err, sizeof err);
    roamd_audit_begin(&j, buf, sizeof buf, "again");
    roamd_audit_commit(a, &j, err, sizeof err);
    roamd_audit_close(a);
    f = fopen(path, "r");
    lines = 0;
    while (f && fgets(line, sizeof line, f))
        lines++;
    if (f)
        fclose(f);
    tap_eq(lines, 3, "reopening appends");
    unlink(path);
    tap_ok(roamd_audit_open("/nonexistent/dir/audit", err, sizeof err) == NULL &&
           strstr(err, "/nonexistent/dir/audit"), "unopenable path named: %s", err);
}

#define WRITERS 8
#define EACH 40

struct writer {
    roamd_audit *a;
    int id, failed;
    char err[ROAM_ERR_MAX];
};

static void *write_many(void *arg)
{
    struct writer *w = arg;
    for (int i = 0; i < EACH; i++) {
        char buf[256];
        struct roam_json j;
        roamd_audit_begin(&j, buf, sizeof buf, "concurrent");
        roam_json_i64(&j, "writer", w->id);
        roam_json_i64(&j, "i", i);
        w->failed += roamd_audit_commit(w->a, &j, w->err, sizeof w->err) < 0;
    }
    return NULL;
}

/* WRITERS threads commit EACH entries each on a: how many commits failed. */
static int run_writers(roamd_audit *a, struct writer *w)
{
    pthread_t t[WRITERS];
    int failed = 0;
    for (int k = 0; k < WRITERS; k++) {
        w[k] = (struct writer){ .a = a, .id = k };
        pthread_create(&t[k], NULL, write_many, &w[k]);
    }
    for (int k = 0; k < WRITERS; k++) {
        pthread_join(t[k], NULL);
        failed += w[k].failed;
    }
    return failed;
}

static void test_concurrent(void)
{
    char path[] = "/tmp/roamd-audit-mt-XXXXXX", err[ROAM_ERR_MAX];
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    struct writer w[WRITERS];
    roamd_audit *a = roamd_audit_open(path, err, sizeof err);
    tap_eq(a ? run_writers(a, w) : -1, 0, "%d threads x %d entries at once: every commit ok",
           WRITERS, EACH);
    roamd_audit_close(a);
    FILE *f = fopen(path, "r");
    char line[512];
    int whole = 0, seen[WRITERS][EACH] = { { 0 } }, lines = 0;
    while (f && fgets(line, sizeof line, f)) {
        int k, i;
        const char *p = strstr(line, "\"writer\":");
        lines++;
        if (p && sscanf(p, "\"writer\":%d,\"i\":%d}", &k, &i) == 2 && k >= 0 && k < WRITERS &&
            i >= 0 && i < EACH && !seen[k][i] && line[strlen(line) - 1] == '\n') {
            seen[k][i] = 1;
            whole++;
        }
    }
    if (f)
        fclose(f);
    tap_ok(whole == WRITERS * EACH && lines == WRITERS * EACH,
           "every entry there once, whole, one per line (%d of %d lines)", whole, lines);
    unlink(path);

    /* /dev/null takes the writes but refuses fsync: every writer of every
     * batch hears so. */
    a = roamd_audit_open("/dev/null", err, sizeof err);
    tap_eq(a ? run_writers(a, w) : -1, WRITERS * EACH,
           "fsync refused: every concurrent commit fails (%s)", w[0].err);
    tap_ok(strstr(w[WRITERS - 1].err, "audit fsync") != NULL, "and says it was the fsync: %s",
           w[WRITERS - 1].err);
    roamd_audit_close(a);
}

int main(void)
{
    test_json();
    test_audit();
    test_concurrent();
    return tap_done();
}
