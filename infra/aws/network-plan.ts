/**
 * The CIDR plan of every deployment's VPC, in one place.
 *
 * - 10.64.0.0/16 rather than 10.0.0.0/16 (what most VPCs use) so a customer can peer the deployment with
 *   their existing networks without renumbering either side.
 * - Private subnets are /19 (8,190 addresses per zone): the VPC CNI gives every pod a VPC address, so node
 *   subnets must hold pods, not just nodes.
 * - Public subnets are /24: they hold only the NAT gateway and the network load balancers' interfaces.
 * - The Kubernetes service range sits outside the VPC (EKS requires that).
 */
export const VPC_CIDR = '10.64.0.0/16';
export const SERVICE_CIDR = '172.20.0.0/16';

const ZONE_SUBNETS = [
  { privateCidr: '10.64.0.0/19', publicCidr: '10.64.96.0/24' },
  { privateCidr: '10.64.32.0/19', publicCidr: '10.64.97.0/24' },
  { privateCidr: '10.64.64.0/19', publicCidr: '10.64.98.0/24' },
] as const;

export interface ZoneSubnets {
  zone: string;
  privateCidr: string;
  publicCidr: string;
}

/** The subnets of each zone, in the order the spec lists the zones. */
export function subnetPlan(zones: readonly string[]): ZoneSubnets[] {
  if (zones.length > ZONE_SUBNETS.length) {
    throw new Error(`the network plan has subnets for ${ZONE_SUBNETS.length} zones, not ${zones.length}`);
  }
  return zones.map((zone, index) => ({ zone, ...ZONE_SUBNETS[index] }));
}
