/* A VM's network interfaces as its libvirt XML describes them, and their
 * link state on a running VM (roam links the secondary NIC up before a
 * migration and the primary NIC down after it). */
#ifndef ROAM_VIRT_IFACE_H
#define ROAM_VIRT_IFACE_H

#include <stddef.h>

#include <libvirt/libvirt.h>

#define ROAM_VIRT_IFACE_MAX 64   /* more NICs than this: refuse, not truncate */

struct roam_iface {
    char mac[18];        /* "52:54:00:12:34:56", lowercase as libvirt writes it */
    char type[16];       /* "bridge", "network", "ethernet", "direct", ... */
    char source[256];    /* bridge, network or host device name; "" if none */
    char target[64];     /* host-side device (tap) of a running VM; "" if none */
    char model[32];      /* "virtio", ...; "" if unset */
    char alias[64];      /* libvirt's device alias ("net0"); "" if none */
    int link_up;         /* <link state='down'/> absent or "up" */
};

/* The interfaces of dom's XML (flags for virDomainGetXMLDesc: 0 = live XML
 * of a running VM).  *out is malloc'ed (free it); *n may be 0. */
int roam_virt_interfaces(virDomainPtr dom, unsigned int flags, struct roam_iface **out,
                         size_t *n, char *err, size_t errlen);

/* Same, from domain XML text (exposed for tests and offline tools). */
int roam_virt_parse_interfaces(const char *domxml, struct roam_iface **out, size_t *n,
                               char *err, size_t errlen);

/* The <interface> element for MAC mac in domxml, with its <link> state set
 * to up/down: what virDomainUpdateDeviceFlags wants.  malloc'ed in *xml. */
int roam_virt_link_xml(const char *domxml, const char *mac, int up, char **xml,
                       char *err, size_t errlen);

/* Set the link state of the running VM's NIC with MAC mac (live only: it is
 * a transient switch for this migration, not configuration). */
int roam_virt_set_link(virDomainPtr dom, const char *mac, int up, char *err, size_t errlen);

#endif
