/* Why a key is refused (abe.h): the expiry it carries against a date, and
 * the attributes of an unsatisfied policy that it lacks.  One explanation
 * for every program that tells a user about a refusal (roam check, the
 * client), so that they cannot disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr_string.h"
#include "policy.h"
#include "policy_tree.h"

int abe_key_expiry(const abe_key_t *key, char *out, size_t cap)
{
    static const char name[] = ABE_EXPIRY_ATTR;
    const size_t nl = sizeof name - 1;
    for (size_t i = 0; i < key->n_user; i++) {
        const char *t = (const char *)key->user_pool + key->user_off[i];
        size_t n = key->user_len[i];
        if (n <= nl || memcmp(t, name, nl) != 0 || (t[nl] != ' ' && t[nl] != '='))
            continue;
        const char *v = memchr(t + nl, '=', n - nl);
        if (v == NULL)
            continue;
        const char *end = t + n;
        for (v++; v < end && *v == ' '; v++)
            ;
        while (end > v && end[-1] == ' ')
            end--;
        snprintf(out, cap, "%.*s", (int)(end - v), v);
        return 1;
    }
    return 0;
}

/* Names of the lacking attributes, ", "-separated, each once. */
typedef struct {
    const abe_policy_t *p;
    const abe_attr_set_t *s;
    const uint8_t *sat;
    char *out;
    size_t cap, used;
} why_t;

/* 1 if the key holds some value of the numeric attribute name. */
static int has_value(const abe_attr_set_t *s, const uint8_t *name, size_t len)
{
    uint8_t prefix[ABE_POL_MAX_ATTR];
    size_t pl = abe_astr_numeric_prefix(prefix, name, len);
    for (size_t i = 0; i < s->n; i++)
        if (s->len[i] > pl && memcmp(s->pool + s->off[i], prefix, pl) == 0)
            return 1;
    return 0;
}

static void add_name(why_t *w, const uint8_t *str, size_t len)
{
    int numeric = len > 0 && str[0] == ASTR_INTERNAL;
    if (numeric) {
        const uint8_t *sep = memchr(str + 1, ASTR_SEP, len - 1);
        len = sep ? (size_t)(sep - str - 1) : len - 1;
        str++;
    }
    char item[ABE_POL_MAX_NAME + 64];
    int n = snprintf(item, sizeof item, "%.*s%s", (int)len, (const char *)str,
                     !numeric ? ""
                     : has_value(w->s, str, len) ? " (the key's value does not satisfy the comparison)"
                                                 : " (the key has no value)");
    if (n < 0)
        return;
    /* Already listed?  Items are whole entries between ", ". */
    for (const char *at = w->out; (at = strstr(at, item)) != NULL; at++)
        if ((at == w->out || at[-1] == ' ') &&
            (at[n] == '\0' || at[n] == ','))
            return;
    if (w->used < w->cap)
        w->used += (size_t)snprintf(w->out + w->used, w->cap - w->used, "%s%s",
                                    w->used ? ", " : "", item);
    if (w->used >= w->cap)
        w->used = w->cap;
}

static void lacking(why_t *w, unsigned n)
{
    const abe_pol_node_t *nd = &w->p->node[n];
    if (w->sat[n])
        return;
    if (nd->kind == PN_LEAF) {
        add_name(w, w->p->pool + nd->str_off, nd->str_len);
        return;
    }
    for (unsigned c = nd->first; c != POL_NONE; c = w->p->node[c].next)
        lacking(w, c);
}

int abe_key_why_not(const abe_key_t *key, const abe_policy_t *p, const char *date,
                    char *detail, size_t cap)
{
    if (key == NULL || detail == NULL || cap == 0)
        return ABE_ERR_ARGUMENT;
    detail[0] = '\0';
    abe_policy_t *clause = malloc(sizeof *clause);
    uint8_t *sat = malloc(ABE_POL_MAX_NODES);
    abe_error_t err;
    int rc = clause && sat ? abe_policy_expiry_clause(clause, date, &err) : ABE_ERR_MEMORY;
    if (rc == ABE_OK && !abe_policy_satisfied(clause, &key->attrs))
        rc = abe_key_expiry(key, detail, cap) ? ABE_WHY_EXPIRED : ABE_WHY_UNDATED;
    else if (rc == ABE_OK && p != NULL && p->n_nodes > 0 &&
             !abe_policy_satisfied(p, &key->attrs)) {
        why_t w = {p, &key->attrs, sat, detail, cap, 0};
        abe_pt_sat_nodes(p, &key->attrs, sat);
        lacking(&w, 0);
        rc = ABE_WHY_LACKS;
    }
    free(sat);
    free(clause);
    return rc;
}
