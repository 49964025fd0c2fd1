/* The table-driven INI reader: each type with its bounds, repeated and
 * unknown keys and sections, required keys, FILE:LINE in every message. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config_reader.h"
#include "errbuf.h"
#include "tap.h"

struct conf {
    char name[8];
    char note[8];
    int count;
    int flag;
    int entries;
    char last[16];
};

static int set_entry(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    struct conf *c = obj;
    if (strcmp(v, "bad") == 0)
        return roam_errf(why, whylen, "'%s' is refused", v);
    if (strcmp(v, "quiet") == 0)
        return -1;   /* no reason given */
    c->entries++;
    snprintf(c->last, sizeof c->last, "%s", name);
    return 0;
}

static const struct roam_cfg_key keys[] = {
    ROAM_CFG_STR_KEY(struct conf, "main", "name", name, ROAM_CFG_REQUIRED | ROAM_CFG_NONEMPTY),
    ROAM_CFG_STR_KEY(struct conf, "main", "note", note, 0),
    ROAM_CFG_INT_KEY(struct conf, "main", "count", count, -5, 5),
    ROAM_CFG_BOOL_KEY(struct conf, "main", "flag", flag),
    ROAM_CFG_FUNC_KEY("list", NULL, set_entry, 0),
};
#define NKEYS (sizeof keys / sizeof keys[0])

static struct conf c;
static int seen[NKEYS];
static const struct roam_cfg cfg = { keys, NKEYS, &c, seen, NULL };
static char err[ROAM_ERR_MAX];

static int parse(const char *text)
{
    memset(&c, 0, sizeof c);
    memset(seen, 0, sizeof seen);
    err[0] = '\0';
    return roam_cfg_read_string(&cfg, text, "t.conf", err, sizeof err);
}

static char all[2048];

static void collect(void *arg, const char *line)
{
    (void)arg;
    size_t n = strlen(all);
    snprintf(all + n, sizeof all - n, "%s\n", line);
}

static void check(const char *text, const char *want, const char *what)
{
    tap_ok(parse(text) < 0 && strcmp(err, want) == 0, "%s: \"%s\"", what, err);
}

int main(void)
{
    tap_ok(parse("[main]\nname = abc\nnote =\ncount = -5\nflag = yes\n[list]\na = 1\nb = 2\n") == 0 &&
           strcmp(c.name, "abc") == 0 && c.note[0] == '\0' && c.count == -5 && c.flag == 1 &&
           c.entries == 2 && strcmp(c.last, "b") == 0, "every type (%s)", err);
    tap_ok(roam_cfg_line(&cfg, "main", "count") == 4 && roam_cfg_line(&cfg, "main", "flag") == 5 &&
           roam_cfg_line(&cfg, "main", "absent") == 0, "the line each key was set on");
    tap_ok(parse("[main]\nname = 1234567\ncount = 5\n[list]\nx = 1\nx = 2\n") == 0 &&
           c.entries == 2 && c.count == 5, "longest string, upper bound, repeated list keys");
    check("[main]\nname = 12345678\n", "t.conf:2: key 'name': value too long (at most 7 bytes)",
          "string one byte too long");
    check("[main]\nname =\n", "t.conf:2: key 'name': empty value", "empty where refused");
    check("[main]\nname = a\ncount = 6\n", "t.conf:3: key 'count': not an integer in -5..5",
          "integer above the range");
    check("[main]\nname = a\ncount = -6\n", "t.conf:3: key 'count': not an integer in -5..5",
          "integer below the range");
    check("[main]\nname = a\ncount = 1x\n", "t.conf:3: key 'count': not an integer in -5..5",
          "trailing junk");
    check("[main]\nname = a\ncount =\n", "t.conf:3: key 'count': not an integer in -5..5",
          "empty integer");
    check("[main]\nname = a\ncount = 99999999999999999999\n",
          "t.conf:3: key 'count': not an integer in -5..5", "overflowing integer");
    check("[main]\nname = a\nflag = 1\n", "t.conf:3: key 'flag': '1' is not yes or no",
          "boolean other than yes/no");
    check("[main]\nname = a\n\n; c\nname = b\n", "t.conf:5: key 'name' set twice (first on line 2)",
          "repeated key");
    check("[main]\nname = a\n[main]\nname = b\n",
          "t.conf:4: key 'name' set twice (first on line 2)", "repeated in a second section");
    check("[main]\nname = a\nnmae = b\n", "t.conf:3: unknown key 'nmae' in [main]", "unknown key");
    check("[mian]\nname = a\n", "t.conf:2: key 'name' in unknown section [mian]",
          "unknown section");
    check("name = a\n", "t.conf:1: key 'name' in unknown section []", "key before any section");
    check("[main]\nname = a\n[list]\nx = bad\n", "t.conf:4: key 'x': 'bad' is refused",
          "a setter's reason");
    check("[main]\nname = a\n[list]\nx = quiet\n", "t.conf:4: key 'x': not a valid value",
          "a setter without a reason");
    check("[main]\nname = a\njunk\n", "t.conf:3: syntax error (expected [section], key = value, "
          "or a ; comment; lines up to 200 bytes)", "syntax error");
    check("[main]\ncount = 1\n", "t.conf: required key 'name' in [main] is missing",
          "required key missing");
    check("[main]\nname = a\ncount = 9\ncount = 1\n",
          "t.conf:3: key 'count': not an integer in -5..5", "the first problem is the one told");
    /* A check hears every problem, a syntax error after a bad value too. */
    memset(&c, 0, sizeof c);
    memset(seen, 0, sizeof seen);
    roam_diag d = { .emit = collect };
    tap_ok(roam_cfg_check_string(&cfg, "[main]\ncount = 9\ncount = 1\njunk\n[list]\nx = bad\n",
                                 "t.conf", &d) < 0 && d.count == 5 &&
           strcmp(all, "t.conf:2: key 'count': not an integer in -5..5\n"
                       "t.conf:3: key 'count' set twice (first on line 2)\n"
                       "t.conf:6: key 'x': 'bad' is refused\n"
                       "t.conf:4: syntax error (expected [section], key = value, or a ; comment; "
                       "lines up to 200 bytes)\n"
                       "t.conf: required key 'name' in [main] is missing\n") == 0,
           "every problem reported, one line each");
    int at = -1;
    struct roam_cfg with_line = { keys, NKEYS, &c, seen, &at };
    memset(seen, 0, sizeof seen);
    tap_ok(roam_cfg_read_string(&with_line, "[main]\nname = a\n\n[list]\nx = 1\n", "t.conf", err,
                                sizeof err) == 0 && at == 5, "line_now: the line being read");
    memset(seen, 0, sizeof seen);
    tap_ok(roam_cfg_read_file(&cfg, "/nonexistent/t.conf", err, sizeof err) < 0 &&
           strstr(err, "/nonexistent/t.conf: cannot open: ") == err, "missing file: \"%s\"", err);
    return tap_done();
}
