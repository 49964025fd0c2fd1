/* Volumes in the destination's pool (see virt_storage.h). */
#include "virt_storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "virt.h"

static virStoragePoolPtr open_pool(virConnectPtr conn, const char *pool, char *err,
                                   size_t errlen)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(conn, pool);
    if (!p) {
        roam_virt_errf(err, errlen, "storage pool %s", pool);
        return NULL;
    }
    if (virStoragePoolIsActive(p) != 1) {
        virStoragePoolFree(p);
        roam_errf(err, errlen, "storage pool %s is not active", pool);
        return NULL;
    }
    return p;
}

int roam_storage_available(virConnectPtr conn, const char *pool, uint64_t *avail, char *err,
                           size_t errlen)
{
    virStoragePoolPtr p = open_pool(conn, pool, err, errlen);
    if (!p)
        return -1;
    virStoragePoolInfo info;
    int rc = 0;
    /* Other VMs' images grow meanwhile: the figure must be fresh. */
    if (virStoragePoolRefresh(p, 0) < 0 || virStoragePoolGetInfo(p, &info) < 0)
        rc = roam_virt_errf(err, errlen, "cannot read the free space of storage pool %s", pool);
    else
        *avail = info.available;
    virStoragePoolFree(p);
    return rc;
}

/* text with the five XML specials escaped into out (cap bytes); -1 if it
 * does not fit. */
static int xml_escape(const char *text, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *c = text; *c; c++) {
        const char *rep = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
                        : *c == '\'' ? "&apos;" : *c == '"' ? "&quot;" : NULL;
        size_t n = rep ? strlen(rep) : 1;
        if (k + n >= cap)
            return -1;
        memcpy(out + k, rep ? rep : c, n);
        k += n;
    }
    out[k] = '\0';
    return 0;
}

int roam_storage_vol_xml_backed(const char *name, const char *format, uint64_t capacity,
                                const char *base, const char *base_format, char *out,
                                size_t cap)
{
    char esc[6 * 512 + 1], backing[sizeof esc + 128] = "";
    if (base) {
        if (xml_escape(base, esc, sizeof esc) < 0)
            return -1;
        int b = snprintf(backing, sizeof backing,
                         "<backingStore><path>%s</path><format type='%s'/></backingStore>", esc,
                         base_format);
        if (b < 0 || (size_t)b >= sizeof backing)
            return -1;
    }
    int n = snprintf(out, cap,
                     "<volume><name>%s</name>"
                     "<capacity unit='bytes'>%llu</capacity>"
                     "<allocation unit='bytes'>0</allocation>"
                     "<target><format type='%s'/></target>%s</volume>",
                     name, (unsigned long long)capacity, format, backing);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int roam_storage_vol_xml(const char *name, const char *format, uint64_t capacity, char *out,
                         size_t cap)
{
    return roam_storage_vol_xml_backed(name, format, capacity, NULL, NULL, out, cap);
}

/* Create the volume described by xml (see roam_storage_create). */
static int create_vol(virConnectPtr conn, const char *pool, const char *name, const char *xml,
                      char *path, size_t cap, char *err, size_t errlen)
{
    virStoragePoolPtr p = open_pool(conn, pool, err, errlen);
    if (!p)
        return -1;
    int rc = -1;
    virStorageVolPtr old = virStorageVolLookupByName(p, name);
    if (old) {
        virStorageVolFree(old);
        roam_errf(err, errlen, "volume %s already exists in storage pool %s", name, pool);
        virStoragePoolFree(p);
        return -1;
    }
    virStorageVolPtr v = virStorageVolCreateXML(p, xml, 0);
    if (!v) {
        roam_virt_errf(err, errlen, "cannot create volume %s in storage pool %s", name, pool);
    } else {
        char *vp = virStorageVolGetPath(v);
        if (!vp)
            roam_virt_errf(err, errlen, "volume %s has no path", name);
        else if (strlen(vp) >= cap)
            roam_errf(err, errlen, "volume path %s too long", vp);
        else {
            strcpy(path, vp);
            rc = 0;
        }
        /* A volume we cannot name is one we could not clean up later. */
        if (rc < 0)
            (void)virStorageVolDelete(v, 0);
        free(vp);
        virStorageVolFree(v);
    }
    virStoragePoolFree(p);
    return rc;
}

int roam_storage_create(virConnectPtr conn, const char *pool, const char *name,
                        const char *format, uint64_t capacity, char *path, size_t cap,
                        char *err, size_t errlen)
{
    char xml[1024];
    if (roam_storage_vol_xml(name, format, capacity, xml, sizeof xml) < 0)
        return roam_errf(err, errlen, "volume name %s too long", name);
    return create_vol(conn, pool, name, xml, path, cap, err, errlen);
}

int roam_storage_create_overlay(virConnectPtr conn, const char *pool, const char *name,
                                uint64_t capacity, const char *base, const char *base_format,
                                char *path, size_t cap, char *err, size_t errlen)
{
    char xml[4096];
    if (roam_storage_vol_xml_backed(name, "qcow2", capacity, base, base_format, xml,
                                    sizeof xml) < 0)
        return roam_errf(err, errlen, "volume name %s or base %s too long", name, base);
    return create_vol(conn, pool, name, xml, path, cap, err, errlen);
}

int roam_storage_delete(virConnectPtr conn, const char *path, char *err, size_t errlen)
{
    virStorageVolPtr v = virStorageVolLookupByPath(conn, path);
    if (!v)
        return roam_virt_errf(err, errlen, "no volume at %s", path);
    int rc = virStorageVolDelete(v, 0) < 0
        ? roam_virt_errf(err, errlen, "cannot delete volume %s", path) : 0;
    virStorageVolFree(v);
    return rc;
}

int roam_storage_capacity(virConnectPtr conn, const char *pool, const char *path,
                          uint64_t *capacity, char *err, size_t errlen)
{
    virStoragePoolPtr p = open_pool(conn, pool, err, errlen);
    if (!p)
        return -1;
    (void)virStoragePoolRefresh(p, 0);   /* the image may be new to this host's view */
    int rc = -1;
    virStorageVolPtr v = virStorageVolLookupByPath(conn, path);
    virStoragePoolPtr of = v ? virStoragePoolLookupByVolume(v) : NULL;
    virStorageVolInfo info;
    if (!v)
        roam_virt_errf(err, errlen, "no volume at %s", path);
    else if (!of || strcmp(virStoragePoolGetName(of), pool) != 0)
        roam_errf(err, errlen, "%s is not in storage pool %s", path, pool);
    else if (virStorageVolGetInfo(v, &info) < 0)
        roam_virt_errf(err, errlen, "cannot read the size of %s", path);
    else {
        *capacity = info.capacity;
        rc = 0;
    }
    if (of)
        virStoragePoolFree(of);
    if (v)
        virStorageVolFree(v);
    virStoragePoolFree(p);
    return rc;
}
