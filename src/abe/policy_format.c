/* Readable rendering of a compiled policy tree, for messages, logs and
 * tests.  Iterative (explicit stack), like every walk over untrusted trees. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "attr_string.h"
#include "policy.h"

typedef struct {
    char *out;
    size_t cap, n;
} sink_t;

static void put(sink_t *s, const char *str, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s->cap > 0 && s->n + 1 < s->cap)
            s->out[s->n] = str[i];
        s->n++;
    }
}

static void put_leaf(sink_t *s, const abe_policy_t *p, unsigned i)
{
    char buf[2 * ABE_POL_MAX_ATTR + 3];
    const uint8_t *str = p->pool + p->node[i].str_off;
    size_t len = p->node[i].str_len, n = 0;
    int bare = str[0] != ASTR_INTERNAL;
    for (size_t j = 0; j < len && bare; j++) {
        uint8_t c = str[j];
        bare = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
               (j > 0 && c >= '0' && c <= '9');
    }
    /* Keywords in any spelling must be quoted to read back as names. */
    static const char *const kw[] = {"and", "or", "of", "not"};
    for (size_t k = 0; k < 4 && bare; k++) {
        size_t kl = strlen(kw[k]);
        bare = !(len == kl && strncasecmp((const char *)str, kw[k], kl) == 0);
    }
    if (str[0] == ASTR_INTERNAL || bare) {
        n = abe_astr_display(buf, sizeof buf, str, len);
    } else {   /* quoted, with the language's two escapes */
        buf[n++] = '"';
        for (size_t j = 0; j < len; j++) {
            if (str[j] == '"' || str[j] == '\\')
                buf[n++] = '\\';
            buf[n++] = (char)str[j];
        }
        buf[n++] = '"';
    }
    put(s, buf, n < sizeof buf ? n : sizeof buf - 1);
}

size_t abe_policy_format(const abe_policy_t *p, char *out, size_t cap)
{
    sink_t s = {out, cap, 0};
    uint16_t stack[ABE_POL_MAX_TREE_DEPTH + 1];
    size_t depth = 0;
    if (p == NULL || p->n_nodes == 0) {
        if (cap > 0)
            out[0] = '\0';
        return 0;
    }
    /* Preorder walk: opening a gate prints its prefix; the stack holds the
     * next child of each open gate; closing prints ')'. */
    unsigned cur = 0;
    for (;;) {
        const abe_pol_node_t *nd = &p->node[cur];
        if (nd->kind == PN_LEAF) {
            put_leaf(&s, p, cur);
        } else if (depth < ABE_POL_MAX_TREE_DEPTH) {
            if (nd->kind == PN_THR) {
                char head[32];
                int hl = snprintf(head, sizeof head, "%u of (", nd->k);
                put(&s, head, (size_t)hl);
            } else if (cur != 0) {
                put(&s, "(", 1);
            }
            stack[depth++] = (uint16_t)cur;
            cur = nd->first;
            continue;
        }
        /* Move to the next sibling, closing finished gates. */
        for (;;) {
            if (depth == 0)
                goto done;
            const abe_pol_node_t *g = &p->node[stack[depth - 1]];
            unsigned next = p->node[cur].next;
            if (next != POL_NONE) {
                const char *sep = g->kind == PN_AND ? " and " : g->kind == PN_OR ? " or " : ", ";
                put(&s, sep, strlen(sep));
                cur = next;
                break;
            }
            cur = stack[--depth];
            if (g->kind == PN_THR || cur != 0)
                put(&s, ")", 1);
        }
    }
done:
    if (cap > 0)
        out[s.n < cap ? s.n : cap - 1] = '\0';
    return s.n;
}
