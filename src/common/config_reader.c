/* The table-driven INI reader (see config_reader.h).  inih does the syntax;
 * it reads through read_line() so that every message can carry its line. */
#include "config_reader.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cfg_value.h"
#include "diag.h"
#include "errbuf.h"

struct state {
    const struct roam_cfg *cfg;
    const char *file;
    int line;
    roam_diag *d;
    FILE *f;            /* the file, or */
    const char *text;   /* the text read */
};

static int fail(struct state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct state *st, const char *fmt, ...)
{
    char msg[ROAM_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    roam_diag_at(st->d, st->file, st->line, "%s", msg);
    /* Reported here: inih keeps only the first failing line, so it must
     * not see this one, or a later syntax error would go unreported. */
    return 1;
}

static const struct roam_cfg_key *find(const struct roam_cfg *cfg, const char *section,
                                       const char *name, size_t *at, int *section_known)
{
    *section_known = 0;
    for (size_t i = 0; i < cfg->n_keys; i++) {
        const struct roam_cfg_key *k = &cfg->keys[i];
        if (strcmp(k->section, section) != 0)
            continue;
        *section_known = 1;
        if (k->name == NULL || strcmp(k->name, name) == 0) {
            *at = i;
            return k;
        }
    }
    return NULL;
}

static int store(struct state *st, const struct roam_cfg_key *k, const char *name,
                 const char *value)
{
    char *field = (char *)st->cfg->obj + k->off;
    switch (k->type) {
    case ROAM_CFG_STR:
        if (*value == '\0' && (k->flags & ROAM_CFG_NONEMPTY))
            return fail(st, "key '%s': empty value", name);
        if (cfg_copy(field, k->cap, value) < 0)
            return fail(st, "key '%s': value too long (at most %zu bytes)", name, k->cap - 1);
        return 1;
    case ROAM_CFG_BOOL:
        if (cfg_bool(value, (int *)field) < 0)
            return fail(st, "key '%s': '%s' is not yes or no", name, value);
        return 1;
    case ROAM_CFG_INT: {
        long v;
        if (cfg_long(value, k->min, k->max, &v) < 0)
            return fail(st, "key '%s': not an integer in %ld..%ld", name, k->min, k->max);
        *(int *)field = (int)v;
        return 1;
    }
    case ROAM_CFG_FUNC: {
        char why[ROAM_ERR_MAX] = "";
        if (k->set(st->cfg->obj, name, value, why, sizeof why) < 0)
            return fail(st, "key '%s': %s", name,
                        why[0] ? why : "not a valid value");
        return 1;
    }
    }
    return fail(st, "key '%s': internal error", name);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct state *st = user;
    size_t i;
    int section_known;
    if (!name)
        return 1;      /* a section header alone */
    const struct roam_cfg_key *k = find(st->cfg, section, name, &i, &section_known);
    if (!section_known)
        return fail(st, "key '%s' in unknown section [%s]", name, section);
    if (k == NULL)
        return fail(st, "unknown key '%s' in [%s]", name, section);
    if (k->name != NULL && st->cfg->seen[i])
        return fail(st, "key '%s' set twice (first on line %d)", name, st->cfg->seen[i]);
    if (!st->cfg->seen[i])
        st->cfg->seen[i] = st->line;
    if (st->cfg->line_now)
        *st->cfg->line_now = st->line;
    return store(st, k, name, value);
}

/* inih's reader: one line from the file or the text, counted. */
static char *read_line(char *str, int num, void *stream)
{
    struct state *st = stream;
    char *got;
    if (st->f) {
        got = fgets(str, num, st->f);
    } else {
        if (*st->text == '\0')
            return NULL;
        size_t n = strcspn(st->text, "\n");
        if (st->text[n] == '\n')
            n++;
        if (n > (size_t)num - 1)
            n = (size_t)num - 1;
        memcpy(str, st->text, n);
        str[n] = '\0';
        st->text += n;
        got = str;
    }
    if (got)
        st->line++;
    return got;
}

static int run(struct state *st)
{
    int before = st->d->count;
    int r = ini_parse_stream(read_line, st, handler, st);
    if (r < 0) {
        roam_diag_at(st->d, st->file, 0, "cannot read: %s",
                     r == -1 ? strerror(errno) : "out of memory");
        return -1;
    }
    /* inih names only the first line it could not parse. */
    if (r > 0)
        roam_diag_at(st->d, st->file, r, "syntax error (expected [section], key = value, or "
                     "a ; comment; lines up to 200 bytes)");
    for (size_t i = 0; i < st->cfg->n_keys; i++) {
        const struct roam_cfg_key *k = &st->cfg->keys[i];
        if ((k->flags & ROAM_CFG_REQUIRED) && !st->cfg->seen[i])
            roam_diag_at(st->d, st->file, 0, "required key '%s' in [%s] is missing",
                         k->name ? k->name : "*", k->section);
    }
    return st->d->count > before ? -1 : 0;
}

int roam_cfg_check_string(const struct roam_cfg *cfg, const char *text, const char *path,
                          roam_diag *d)
{
    struct state st = { .cfg = cfg, .file = path, .d = d, .text = text };
    return run(&st);
}

int roam_cfg_check_file(const struct roam_cfg *cfg, const char *path, roam_diag *d)
{
    struct state st = { .cfg = cfg, .file = path, .d = d };
    if ((st.f = fopen(path, "re")) == NULL) {
        roam_diag_at(d, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    int r = run(&st);
    fclose(st.f);
    return r;
}

int roam_cfg_read_string(const struct roam_cfg *cfg, const char *text, const char *path,
                         char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return roam_cfg_check_string(cfg, text, path, &d);
}

int roam_cfg_read_file(const struct roam_cfg *cfg, const char *path, char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return roam_cfg_check_file(cfg, path, &d);
}

int roam_cfg_line(const struct roam_cfg *cfg, const char *section, const char *name)
{
    for (size_t i = 0; i < cfg->n_keys; i++)
        if (strcmp(cfg->keys[i].section, section) == 0 && cfg->keys[i].name != NULL &&
            strcmp(cfg->keys[i].name, name) == 0)
            return cfg->seen[i];
    return 0;
}
