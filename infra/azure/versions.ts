/**
 * The Kubernetes minor every AKS cluster and node pool runs. Pinned, not "latest": a new minor changes APIs
 * the platform uses, so it is bumped deliberately. 1.35 is generally available on AKS until early 2027.
 * AKS applies patch releases of this minor itself (auto-upgrade channel `patch`).
 */
export const AKS_KUBERNETES_VERSION = '1.35';

/** Managed OS disk of every node (the catalog's 128 GiB P10); Dsv5/Esv5 have no local disk for an ephemeral one. */
export const NODE_OS_DISK_GIB = 128;
