/* roam's per-VM settings in the libvirt domain <metadata>, under its own
 * namespace, so they travel with the VM when it migrates:
 *
 *   <roam:vm xmlns:roam="https://roam.example/ns/vm/1">
 *     <roam:migrate-policy>B4 or M1</roam:migrate-policy>
 *   </roam:vm>
 *
 * libvirt returns the element without its prefix, so it is looked up by
 * namespace URI and parsed accepting the unprefixed form. */
#ifndef ROAM_VIRT_METADATA_H
#define ROAM_VIRT_METADATA_H

#include <stddef.h>

#include <libvirt/libvirt.h>

#define ROAM_VIRT_NS "https://roam.example/ns/vm/1"
#define ROAM_VIRT_NS_PREFIX "roam"
#define ROAM_VIRT_POLICY_MAX 65536

/* The VM's migrate policy text (surrounding whitespace trimmed), as a
 * malloc'ed string in *policy.  flags: VIR_DOMAIN_AFFECT_CURRENT (0),
 * _LIVE or _CONFIG.  A VM without one gives -1 and err "VM NAME has no
 * migrate policy (...)": the source must refuse to migrate it. */
int roam_virt_get_policy(virDomainPtr dom, unsigned int flags, char **policy,
                         char *err, size_t errlen);

/* Store policy (1..ROAM_VIRT_POLICY_MAX bytes) as the VM's migrate policy,
 * replacing roam's element and leaving other namespaces alone.  For a
 * running persistent VM both the live and the persistent definition are
 * changed, so the policy holds now and after a restart. */
int roam_virt_set_policy(virDomainPtr dom, const char *policy, char *err, size_t errlen);

/* Parse roam's metadata element as virDomainGetMetadata returns it (exposed
 * for tests).  0 and *policy malloc'ed, or -1. */
int roam_virt_parse_policy(const char *xml, char **policy, char *err, size_t errlen);

#endif
