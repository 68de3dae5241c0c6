/**
 * The address plan of every deployment's VNet, in one place.
 *
 * Azure CNI overlay: pods get addresses from a private overlay range, not from the VNet, so the VNet needs
 * only one subnet for the nodes of every pool (one address per node) and no pod subnet. A /22 holds 1,000
 * nodes, far beyond 30 brokers, 5 controllers, 3 system nodes and upgrade surges.
 *
 * 10.64.0.0/16 rather than 10.0.0.0/16 (what most VNets use) so a customer can peer the deployment with their
 * networks; the overlay pod range and the service range must not overlap the VNet or anything peered with it.
 */
export const VNET_CIDR = '10.64.0.0/16';
export const NODES_SUBNET_CIDR = '10.64.0.0/22';
export const POD_CIDR = '10.244.0.0/16';
export const SERVICE_CIDR = '10.245.0.0/16';
export const DNS_SERVICE_IP = '10.245.0.10';
