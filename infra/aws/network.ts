import * as pulumi from '@pulumi/pulumi';
import * as ec2 from '@pulumi/aws/ec2';
import { subnetPlan, VPC_CIDR } from './network-plan';

export interface AwsKafkaNetworkArgs {
  region: string;
  /** The spec's three zones; subnets, NAT gateways and route tables follow their order. */
  zones: readonly string[];
  /** Prefix of the resources' Name tags. */
  baseName: string;
  /** Subnets carry this cluster's discovery tag, so Kubernetes can place load balancers in them. */
  clusterName: string;
  tags: Record<string, string>;
}

/**
 * The deployment's VPC: a public and a private subnet per zone, one NAT gateway per zone (a zone outage
 * cuts no other zone's nodes off the internet) and one route table per private subnet pointing at its own
 * zone's NAT gateway. Nodes live only in private subnets; the public ones hold NAT gateways and the
 * internet-facing load balancers Kubernetes creates for the Kafka external listener.
 */
export class AwsKafkaNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr = VPC_CIDR;
  /** In the order of `zones`. */
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly natGatewayIds: pulumi.Output<string>[];

  constructor(name: string, args: AwsKafkaNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:KafkaNetwork', name, {}, opts);
    const { region } = args;
    const tags = (suffix: string, extra: Record<string, string> = {}) => ({
      ...args.tags,
      ...extra,
      Name: `${args.baseName}-${suffix}`,
    });
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: 'shared' };

    // DNS support and hostnames are required for the EKS private endpoint to resolve inside the VPC.
    const vpc = new ec2.Vpc(
      `${name}-vpc`,
      { region, cidrBlock: VPC_CIDR, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('vpc') },
      { parent: this },
    );
    const internetGateway = new ec2.InternetGateway(
      `${name}-igw`,
      { region, vpcId: vpc.id, tags: tags('igw') },
      { parent: this },
    );
    const publicRouteTable = new ec2.RouteTable(
      `${name}-public`,
      {
        region,
        vpcId: vpc.id,
        routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
        tags: tags('public'),
      },
      { parent: this },
    );

    const zones = subnetPlan(args.zones).map(({ zone, privateCidr, publicCidr }) => {
      const publicSubnet = new ec2.Subnet(
        `${name}-public-${zone}`,
        {
          region,
          vpcId: vpc.id,
          availabilityZone: zone,
          cidrBlock: publicCidr,
          // Nothing launched here gets a public address by accident; load balancers bring their own.
          mapPublicIpOnLaunch: false,
          tags: tags(`public-${zone}`, { ...clusterTag, 'kubernetes.io/role/elb': '1' }),
        },
        { parent: this },
      );
      new ec2.RouteTableAssociation(
        `${name}-public-${zone}`,
        { region, subnetId: publicSubnet.id, routeTableId: publicRouteTable.id },
        { parent: this },
      );
      const natAddress = new ec2.Eip(
        `${name}-nat-${zone}`,
        { region, domain: 'vpc', tags: tags(`nat-${zone}`) },
        { parent: this },
      );
      // A NAT gateway needs the internet gateway attached before it can route.
      const natGateway = new ec2.NatGateway(
        `${name}-nat-${zone}`,
        {
          region,
          allocationId: natAddress.allocationId,
          subnetId: publicSubnet.id,
          connectivityType: 'public',
          tags: tags(`nat-${zone}`),
        },
        { parent: this, dependsOn: [internetGateway] },
      );
      const privateSubnet = new ec2.Subnet(
        `${name}-private-${zone}`,
        {
          region,
          vpcId: vpc.id,
          availabilityZone: zone,
          cidrBlock: privateCidr,
          mapPublicIpOnLaunch: false,
          tags: tags(`private-${zone}`, { ...clusterTag, 'kubernetes.io/role/internal-elb': '1' }),
        },
        { parent: this },
      );
      const privateRouteTable = new ec2.RouteTable(
        `${name}-private-${zone}`,
        {
          region,
          vpcId: vpc.id,
          routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateway.id }],
          tags: tags(`private-${zone}`),
        },
        { parent: this },
      );
      new ec2.RouteTableAssociation(
        `${name}-private-${zone}`,
        { region, subnetId: privateSubnet.id, routeTableId: privateRouteTable.id },
        { parent: this },
      );
      return { publicSubnet, privateSubnet, natGateway };
    });

    this.vpcId = vpc.id;
    this.privateSubnetIds = zones.map((zone) => zone.privateSubnet.id);
    this.publicSubnetIds = zones.map((zone) => zone.publicSubnet.id);
    this.natGatewayIds = zones.map((zone) => zone.natGateway.id);
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
    });
  }
}
