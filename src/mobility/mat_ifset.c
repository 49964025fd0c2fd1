/* The mobile node's NICs and the address choice (see mat_ifset.h). */
#include "mat_ifset.h"

#include <string.h>

#include "log.h"

static mat_if *by_index(mat_ifset *s, int index)
{
    for (size_t i = 0; i < s->cfg->n_ifaces; i++)
        if (s->ifs[i].index == index && index)
            return &s->ifs[i];
    return NULL;
}

static void on_link(void *arg, int index, const char *name, int up)
{
    mat_ifset *s = arg;
    for (size_t i = 0; i < s->cfg->n_ifaces; i++)
        if (strcmp(s->cfg->ifaces[i], name) == 0) {
            if (s->ifs[i].up != up || s->ifs[i].index != index)
                roam_log("link %s %s", name, up ? "up" : "down");
            if (up && !s->ifs[i].up)
                s->have_left = 0;   /* attached somewhere (again): the old verdict is stale */
            if (up != s->ifs[i].up)   /* link states speak for themselves again */
                for (size_t k = 0; k < s->cfg->n_ifaces; k++)
                    s->ifs[k].gone = 0;
            s->ifs[i].index = index;
            s->ifs[i].up = up;
        }
}

static void on_addr(void *arg, int index, const uint8_t addr[16], int present, int usable)
{
    mat_ifset *s = arg;
    mat_if *f = by_index(s, index);
    if (!f || memcmp(addr, s->cfg->hoa, IMS_ADDR_LEN) == 0 ||
        ims_addr_check(addr, "address", NULL, 0) < 0)
        return;
    /* An address keeps its place while it stays usable: every RA refreshes
     * its lifetimes (an event each time), and a new order would mean a new
     * registration, rules and signed switch for nothing. */
    int keep = present && usable;
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (memcmp(f->addr[i], addr, IMS_ADDR_LEN) == 0) {
            if (!keep)
                continue;
            keep = 2;   /* listed already */
        }
        if (k != i)
            memcpy(f->addr[k], f->addr[i], IMS_ADDR_LEN);
        k++;
    }
    f->n = k;
    if (keep == 1 && f->n < MAT_ADDRS_PER_IF)
        memcpy(f->addr[f->n++], addr, IMS_ADDR_LEN);
}

static void on_route(void *arg, int index, const uint8_t gw[16], int present)
{
    mat_ifset *s = arg;
    mat_if *f = by_index(s, index);
    if (!f)
        return;
    if (present && !f->have_gw) {
        memcpy(f->gw, gw, IMS_ADDR_LEN);
        f->have_gw = 1;
    } else if (!present && f->have_gw && memcmp(f->gw, gw, IMS_ADDR_LEN) == 0) {
        f->have_gw = 0;
    }
}

void mat_ifset_init(mat_ifset *s, const mat_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->events = (mat_nl_handler){ .link = on_link, .addr = on_addr, .route = on_route, .arg = s };
}

const mat_nl_handler *mat_ifset_events(mat_ifset *s)
{
    return &s->events;
}

int mat_ifset_holder(const mat_ifset *s, const uint8_t addr[IMS_ADDR_LEN])
{
    for (size_t i = 0; i < s->cfg->n_ifaces; i++)
        for (size_t j = 0; j < s->ifs[i].n; j++)
            if (memcmp(s->ifs[i].addr[j], addr, IMS_ADDR_LEN) == 0)
                return (int)i;
    return -1;
}

const char *mat_ifset_dev_of(const mat_ifset *s, const char *addr)
{
    uint8_t a[IMS_ADDR_LEN];
    if (ims_addr_parse(addr, a) < 0)
        return NULL;
    int i = mat_ifset_holder(s, a);
    return i >= 0 ? s->cfg->ifaces[i] : NULL;
}

int mat_ifset_active(const mat_ifset *s, const ims_mapping *cur)
{
    int act = ims_mapping_active(cur);
    return act >= 0 ? mat_ifset_holder(s, cur->b[act].moa) : -1;
}

/* On the network the VM is on: link up, and not left by a move. */
static int attached(const mat_if *f)
{
    return f->up && !f->gone;
}

static int addr_live(const mat_ifset *s, const uint8_t addr[16])
{
    for (size_t i = 0; i < s->cfg->n_ifaces; i++)
        if (attached(&s->ifs[i]))
            for (size_t j = 0; j < s->ifs[i].n; j++)
                if (memcmp(s->ifs[i].addr[j], addr, IMS_ADDR_LEN) == 0)
                    return 1;
    return 0;
}

/* Usable for registration: on an up interface, and not in the /64 that the
 * last switch left (after a migration the secondary NIC may still hold an
 * address from the source provider's RAs, useless at the destination). */
static int candidate(const mat_ifset *s, size_t i, size_t j)
{
    return attached(&s->ifs[i]) &&
           !(s->have_left && memcmp(s->ifs[i].addr[j], s->left_prefix, 8) == 0);
}

void mat_ifset_want(mat_ifset *s, const ims_mapping *cur, ims_mapping *w)
{
    memset(w, 0, sizeof *w);
    memcpy(w->hoa, s->cfg->hoa, IMS_ADDR_LEN);
    int c = ims_mapping_active(cur);
    const uint8_t *active = c >= 0 && addr_live(s, cur->b[c].moa) ? cur->b[c].moa : NULL;
    if (!active && c >= 0) {   /* a switch: leave the old network behind */
        memcpy(s->left_prefix, cur->b[c].moa, 8);
        s->have_left = 1;
    }
    for (int pass = 0; pass < 2 && !active; pass++)
        for (size_t i = 0; i < s->cfg->n_ifaces && !active; i++)
            for (size_t j = 0; j < s->ifs[i].n && !active; j++)
                if (pass ? attached(&s->ifs[i]) : candidate(s, i, j))
                    active = s->ifs[i].addr[j];
    if (!active) {   /* every link down: keep what we have, nothing is better */
        *w = *cur;
        return;
    }
    if (s->have_left && memcmp(active, s->left_prefix, 8) == 0)
        s->have_left = 0;   /* back in that network after all */
    memcpy(w->b[0].moa, active, IMS_ADDR_LEN);
    w->b[0].state = IMS_ACTIVE;
    w->n = 1;
    for (size_t i = 0; i < s->cfg->n_ifaces; i++)
        for (size_t j = 0; j < s->ifs[i].n && w->n < IMS_MAX_BINDINGS; j++)
            if (candidate(s, i, j) && memcmp(s->ifs[i].addr[j], active, IMS_ADDR_LEN) != 0) {
                memcpy(w->b[w->n].moa, s->ifs[i].addr[j], IMS_ADDR_LEN);
                w->b[w->n++].state = IMS_STANDBY;
            }
}

int mat_ifset_predict(mat_ifset *s, const ims_mapping *cur, ims_mapping *w)
{
    int i = mat_ifset_active(s, cur), act = ims_mapping_active(cur);
    if (i < 0)
        return -1;
    int had_left = s->have_left, was_gone = s->ifs[i].gone;
    uint8_t left[8];
    memcpy(left, s->left_prefix, sizeof left);
    s->ifs[i].gone = 1;
    mat_ifset_want(s, cur, w);
    s->ifs[i].gone = was_gone;
    s->have_left = had_left;
    memcpy(s->left_prefix, left, sizeof left);
    int now = ims_mapping_active(w);
    return now >= 0 && memcmp(w->b[now].moa, cur->b[act].moa, IMS_ADDR_LEN) != 0 ? 0 : -1;
}

const uint8_t *mat_ifset_successor(const mat_ifset *s, const ims_mapping *cur)
{
    int act = ims_mapping_active(cur);
    if (act < 0)
        return NULL;
    int home = mat_ifset_holder(s, cur->b[act].moa);
    for (size_t k = 0; k < cur->n; k++) {
        if (cur->b[k].state != IMS_STANDBY)
            continue;
        for (size_t i = 0; i < s->cfg->n_ifaces; i++)
            if ((int)i != home)
                for (size_t j = 0; j < s->ifs[i].n; j++)
                    if (memcmp(s->ifs[i].addr[j], cur->b[k].moa, IMS_ADDR_LEN) == 0)
                        return cur->b[k].moa;
    }
    return NULL;
}
