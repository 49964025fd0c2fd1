/* The peer pin file (see peer_pins.h). */
#include "peer_pins.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "roamd_config.h"

enum pin_kind { PIN_SPKI, PIN_CA };

struct pin {
    char host[ROAMD_HOST_MAX];
    enum pin_kind kind;
    char value[ROAMD_PATH_MAX];   /* 64 hex digits, or a CA file */
};

struct roamd_peer_pins {
    struct pin pin[ROAMD_PEER_PINS_MAX];
    int n;
};

/* The same host: IP literals by their bytes ("::1" is "0::1"), names
 * without regard to case. */
static int same_host(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    if (inet_pton(AF_INET6, a, x) == 1)
        return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
    if (inet_pton(AF_INET, a, x) == 1)
        return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
    return strcasecmp(a, b) == 0;
}

static int parse_line(struct pin *p, char *line, char *why, size_t whylen)
{
    char *host = strtok(line, " \t"), *val = strtok(NULL, " \t"), *extra = strtok(NULL, " \t");
    if (!host || !val || extra)
        return roam_errf(why, whylen, "expected HOST sha256:HEX or HOST ca:FILE");
    if (strlen(host) >= sizeof p->host || strchr(host, '*'))
        return roam_errf(why, whylen, "'%s' is not a host name or IP literal (no wildcards)",
                         host);
    strcpy(p->host, host);
    if (strncmp(val, "sha256:", 7) == 0) {
        const char *h = val + 7;
        size_t n = strlen(h);
        for (size_t i = 0; i < n; i++)
            if (!isxdigit((unsigned char)h[i]))
                n = 0;
        if (n != 64)
            return roam_errf(why, whylen, "sha256: needs 64 hex digits");
        p->kind = PIN_SPKI;
        for (size_t i = 0; i <= n; i++)
            p->value[i] = (char)tolower((unsigned char)h[i]);
        return 0;
    }
    if (strncmp(val, "ca:", 3) == 0 && val[3] && strlen(val + 3) < sizeof p->value) {
        p->kind = PIN_CA;
        strcpy(p->value, val + 3);
        FILE *f = fopen(p->value, "r");
        if (!f)
            return roam_errf(why, whylen, "cannot read CA file %s: %s", p->value,
                             strerror(errno));
        fclose(f);
        return 0;
    }
    return roam_errf(why, whylen, "'%s' is neither sha256:HEX nor ca:FILE", val);
}

roamd_peer_pins *roamd_peer_pins_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        roam_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    roamd_peer_pins *p = calloc(1, sizeof *p);
    char line[ROAMD_HOST_MAX + ROAMD_PATH_MAX + 16], why[ROAM_ERR_MAX];
    int no = 0, bad = !p;
    if (!p)
        roam_errf(err, errlen, "out of memory");
    while (!bad && fgets(line, sizeof line, f)) {
        no++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            bad = roam_errf(err, errlen, "%s:%d: line too long", path, no);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        if (strspn(line, " \t") == strlen(line))
            continue;
        if (p->n == ROAMD_PEER_PINS_MAX)
            bad = roam_errf(err, errlen, "%s:%d: more than %d pins", path, no,
                            ROAMD_PEER_PINS_MAX);
        else if (parse_line(&p->pin[p->n], line, why, sizeof why) < 0)
            bad = roam_errf(err, errlen, "%s:%d: %s", path, no, why);
        else
            p->n++;
    }
    if (!bad && ferror(f))
        bad = roam_errf(err, errlen, "cannot read %s", path);
    fclose(f);
    if (bad) {
        free(p);
        return NULL;
    }
    return p;
}

void roamd_peer_pins_free(roamd_peer_pins *p)
{
    free(p);
}

int roamd_peer_pins_check(const roamd_peer_pins *p, const roam_peer_cert *c, const char *host,
                          char *why, size_t whylen)
{
    if (!p)
        return 0;
    char spki[ROAM_PEER_CERT_HEX], last[ROAM_ERR_MAX] = "";
    int have_spki = roam_peer_cert_spki(c, spki) == 0, listed = 0;
    for (int i = 0; i < p->n; i++) {
        const struct pin *q = &p->pin[i];
        if (!same_host(q->host, host))
            continue;
        listed = 1;
        if (q->kind == PIN_SPKI && have_spki && strcmp(q->value, spki) == 0)
            return 0;
        if (q->kind == PIN_SPKI)
            snprintf(last, sizeof last, "its key (sha256:%s) is not pinned", have_spki ? spki : "?");
        else if (roam_peer_cert_chains_to(c, q->value, last, sizeof last) == 0)
            return 0;
    }
    if (!listed)
        return roam_errf(why, whylen, "peer %s is not in peer_pins", host);
    return roam_errf(why, whylen, "peer %s does not match its pins in peer_pins: %s", host,
                     last);
}
