/* The [migration] tuning's mapping to libvirt: the flags and typed
 * parameters of a migration with parallel connections, compression,
 * auto-converge and post-copy, the combinations refused, and the fallback
 * to one connection when disks are copied over TLS.  No libvirtd: the test
 * driver cannot migrate, the lab migrations cover the rest. */
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "tap.h"
#include "virt_migrate.h"

static char err[ROAM_ERR_MAX];

static void test_names(void)
{
    static const char *const names[] = { "none", "xbzrle", "zstd", "zlib" };
    for (int i = 0; i < 4; i++)
        tap_ok(roam_migrate_compression_parse(names[i]) == i &&
               strcmp(roam_migrate_compression_name(i), names[i]) == 0,
               "compression %s named and parsed", names[i]);
    tap_ok(roam_migrate_compression_parse("lz4") < 0 && roam_migrate_compression_parse("") < 0 &&
           roam_migrate_compression_parse(NULL) < 0, "unknown compression refused");
    tap_ok(roam_migrate_compression_name(4) == NULL && roam_migrate_compression_name(-1) == NULL,
           "no name out of range");
}

static int check(struct roam_migrate_tuning t)
{
    err[0] = 0;
    return roam_migrate_tuning_check(&t, err, sizeof err);
}

static void test_check(void)
{
    tap_ok(check((struct roam_migrate_tuning){ 0 }) == 0, "no tuning is valid");
    tap_ok(check((struct roam_migrate_tuning){ .parallel = 4, .compression = ROAM_MIGRATE_COMP_ZSTD,
                                               .auto_converge = 1 }) == 0,
           "parallel 4 + zstd + auto-converge is valid (%s)", err);
    tap_ok(check((struct roam_migrate_tuning){ .parallel = 1, .postcopy_after = 3,
                                               .compression = ROAM_MIGRATE_COMP_XBZRLE }) == 0,
           "post-copy with xbzrle on one connection is valid (%s)", err);
    tap_ok(check((struct roam_migrate_tuning){ .compression = ROAM_MIGRATE_COMP_ZLIB }) < 0 &&
           strstr(err, "zlib needs parallel >= 2"), "zlib without multifd refused (%s)", err);
    tap_ok(check((struct roam_migrate_tuning){ .parallel = 2,
                                               .compression = ROAM_MIGRATE_COMP_XBZRLE }) < 0 &&
           strstr(err, "xbzrle"), "xbzrle with multifd refused (%s)", err);
    tap_ok(check((struct roam_migrate_tuning){ .parallel = 2, .postcopy_after = 1 }) < 0 &&
           strstr(err, "postcopy"), "post-copy with multifd refused (%s)", err);
    tap_ok(check((struct roam_migrate_tuning){ .parallel = ROAM_MIGRATE_PARALLEL_MAX + 1 }) < 0 &&
           strstr(err, "parallel"), "too many connections refused (%s)", err);
    tap_ok(check((struct roam_migrate_tuning){ .postcopy_after = -1 }) < 0 &&
           check((struct roam_migrate_tuning){ .compression = 9 }) < 0, "out of range refused");
}

/* The value of a typed parameter, "" when absent; ints printed. */
static const char *param(virTypedParameterPtr p, int n, const char *name)
{
    static char buf[64];
    virTypedParameterPtr v = virTypedParamsGet(p, n, name);
    if (!v)
        return "";
    if (v->type == VIR_TYPED_PARAM_STRING)
        return v->value.s;
    if (v->type != VIR_TYPED_PARAM_INT)
        return "?";
    snprintf(buf, sizeof buf, "%d", v->value.i);
    return buf;
}

static void test_mapping(void)
{
    const unsigned base = ROAM_VIRT_MIGRATE_FLAGS | VIR_MIGRATE_TLS;
    struct roam_migrate_opts o = { .dest_uri = "qemu+tls://[2001:db8::2]/system", .tls = 1 };
    virTypedParameterPtr p = NULL;
    int n = 0;
    tap_ok(roam_virt_migrate_flags(&o) == base, "no tuning: no tuning flags");
    tap_ok(roam_virt_migrate_params(&o, &p, &n, err, sizeof err) == 0 && n == 0,
           "no tuning: no parameters");
    virTypedParamsFree(p, n);

    o.tune = (struct roam_migrate_tuning){ .parallel = 4, .compression = ROAM_MIGRATE_COMP_ZSTD,
                                           .auto_converge = 1 };
    tap_ok(roam_virt_migrate_flags(&o) == (base | VIR_MIGRATE_PARALLEL | VIR_MIGRATE_COMPRESSED |
                                           VIR_MIGRATE_AUTO_CONVERGE),
           "parallel 4, zstd, auto-converge: PARALLEL | COMPRESSED | AUTO_CONVERGE");
    tap_ok(roam_virt_migrate_params(&o, &p, &n, err, sizeof err) == 0, "parameters built");
    tap_eq_str(param(p, n, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS), "4", "parallel.connections 4");
    tap_eq_str(param(p, n, VIR_MIGRATE_PARAM_COMPRESSION), "zstd", "compression zstd");
    virTypedParamsFree(p, n);

    o.tune = (struct roam_migrate_tuning){ .parallel = 1, .postcopy_after = 2,
                                           .compression = ROAM_MIGRATE_COMP_XBZRLE };
    tap_ok(roam_virt_migrate_flags(&o) == (base | VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_COMPRESSED),
           "post-copy after 2 passes, xbzrle: POSTCOPY | COMPRESSED, no PARALLEL");
    tap_ok(roam_virt_migrate_params(&o, &p, &n, err, sizeof err) == 0 &&
           strcmp(param(p, n, VIR_MIGRATE_PARAM_COMPRESSION), "xbzrle") == 0 &&
           !*param(p, n, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS),
           "xbzrle named, no parallel.connections");
    virTypedParamsFree(p, n);

    /* Disks copied over TLS: one connection, and zstd (multifd only) dropped. */
    static const char *const disks[] = { "vda" };
    o.copy_disks = disks;
    o.n_copy_disks = 1;
    o.tune = (struct roam_migrate_tuning){ .parallel = 4, .compression = ROAM_MIGRATE_COMP_ZSTD };
    unsigned f = roam_virt_migrate_flags(&o);
    tap_ok(!(f & (VIR_MIGRATE_PARALLEL | VIR_MIGRATE_COMPRESSED)) && (f & VIR_MIGRATE_NON_SHARED_DISK),
           "disks copied over TLS: no PARALLEL, no multifd compression");
    tap_ok(roam_virt_migrate_params(&o, &p, &n, err, sizeof err) == 0 &&
           !*param(p, n, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS) &&
           !*param(p, n, VIR_MIGRATE_PARAM_COMPRESSION) &&
           strcmp(param(p, n, VIR_MIGRATE_PARAM_MIGRATE_DISKS), "vda") == 0,
           "disks copied over TLS: only the disk named");
    virTypedParamsFree(p, n);
    o.tls = 0;
    tap_ok(roam_virt_migrate_flags(&o) & VIR_MIGRATE_PARALLEL, "disks copied in clear: PARALLEL");
}

int main(void)
{
    tap_ok(virInitialize() == 0, "libvirt initialised");   /* its error state, for the params */
    test_names();
    test_check();
    test_mapping();
    return tap_done();
}
