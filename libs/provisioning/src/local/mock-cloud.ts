import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
import type { MockCloud } from './program-graph';

/**
 * Realistic, deterministic state for simulated resources: ids, ARNs, endpoints and load-balancer
 * hostnames shaped like the real cloud's, derived from the deployment id and the resource's URN (so the
 * same input always gives the same outputs, and two deployments never share a value).
 *
 * Nothing here can be mistaken for a real endpoint: every host name ends in `.local.streamplane.invalid`
 * (`.invalid` never resolves, RFC 2606), public IPs come from the documentation ranges (RFC 5737), AWS
 * account ids start with `000`, and certificates and tokens say "simulated".
 */
export const SIMULATED_DOMAIN = 'local.streamplane.invalid';

export interface MockCloudContext {
  deploymentId: string;
  cloud: 'azure' | 'aws';
  region: string;
  zones: readonly string[];
}

type Inputs = Record<string, unknown>;
type State = Record<string, unknown>;

export function createMockCloud(context: MockCloudContext): MockCloud {
  const ids = new DeterministicIds(context.deploymentId);
  return {
    newResource(args) {
      const inputs = (args.inputs ?? {}) as Inputs;
      const resource: MockedResource = {
        type: args.type,
        name: args.name,
        urn: args.urn,
        inputs,
        ids,
        context,
      };
      if (args.id) return { id: args.id, state: { ...inputs, id: args.id } }; // .get(): read what exists
      const [pkg] = args.type.split(':');
      if (args.type.startsWith('pulumi:providers:'))
        return { id: ids.uuid(args.urn, 'provider'), state: inputs };
      switch (pkg) {
        case 'azure-native':
          return azureResource(resource);
        case 'aws':
          return awsResource(resource);
        case 'kubernetes':
          return kubernetesResource(resource);
        case 'pulumi-nodejs':
          return dynamicResource(resource);
        default:
          return { id: `sim-${ids.hex(args.urn, 'id', 16)}`, state: { ...inputs } };
      }
    },
    call(args) {
      const inputs = plain((args.inputs ?? {}) as Inputs) as Inputs;
      return invoke(args.token, inputs, context, ids);
    },
  };
}

interface MockedResource {
  type: string;
  name: string;
  urn: string;
  inputs: Inputs;
  ids: DeterministicIds;
  context: MockCloudContext;
}

class DeterministicIds {
  constructor(private readonly deploymentId: string) {}

  hex(seed: string, salt: string, length: number): string {
    let out = '';
    for (let round = 0; out.length < length; round += 1) {
      out += createHash('sha256').update(`${this.deploymentId}|${seed}|${salt}|${round}`).digest('hex');
    }
    return out.slice(0, length);
  }

  uuid(seed: string, salt: string): string {
    const h = this.hex(seed, salt, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  digits(seed: string, salt: string, length: number): string {
    return [...this.hex(seed, salt, length)].map((c) => (parseInt(c, 16) % 10).toString()).join('');
  }

  byte(seed: string, salt: string): number {
    return (parseInt(this.hex(seed, salt, 2), 16) % 254) + 1;
  }

  /** The simulated customer account: a subscription/tenant (Azure) or account id (AWS). */
  subscriptionId(): string {
    return this.uuid('account', 'subscription');
  }

  tenantId(): string {
    return this.uuid('account', 'tenant');
  }

  awsAccountId(): string {
    return `000${this.digits('account', 'aws', 9)}`;
  }
}

// ---------------------------------------------------------------------------------------------- Azure

const AZURE_NAMESPACES: Record<string, string> = {
  resources: 'Microsoft.Resources',
  network: 'Microsoft.Network',
  containerservice: 'Microsoft.ContainerService',
  managedidentity: 'Microsoft.ManagedIdentity',
  compute: 'Microsoft.Compute',
  keyvault: 'Microsoft.KeyVault',
  authorization: 'Microsoft.Authorization',
  storage: 'Microsoft.Storage',
  operationalinsights: 'Microsoft.OperationalInsights',
  insights: 'Microsoft.Insights',
  monitor: 'Microsoft.Insights',
  dashboard: 'Microsoft.Dashboard',
};

/** Child resources whose id nests under their parent's id: kind → [parent name input, parent type segment]. */
const AZURE_CHILDREN: Record<string, [string, string, string]> = {
  Subnet: ['virtualNetworkName', 'virtualNetworks', 'subnets'],
  AgentPool: ['resourceName', 'managedClusters', 'agentPools'],
  Key: ['vaultName', 'vaults', 'keys'],
  Secret: ['vaultName', 'vaults', 'secrets'],
  FederatedIdentityCredential: ['resourceName', 'userAssignedIdentities', 'federatedIdentityCredentials'],
};

function azureResource(r: MockedResource): pulumi.runtime.MockResourceResult {
  const [, module = '', kind = ''] = r.type.split(':');
  const inputs = plain(r.inputs) as Inputs;
  const sub = r.ids.subscriptionId();
  const location = str(inputs.location) ?? r.context.region;
  const ownNameKey = [`${lowerFirst(kind)}Name`, 'resourceName', 'name'].find((key) => str(inputs[key]));
  const name = (ownNameKey && str(inputs[ownNameKey])) || `${r.name}${r.ids.hex(r.urn, 'autoname', 8)}`;
  const rg = str(inputs.resourceGroupName) ?? name;
  const namespace = AZURE_NAMESPACES[module] ?? `Microsoft.${upperFirst(module)}`;

  let id: string;
  const child = AZURE_CHILDREN[kind];
  if (kind === 'ResourceGroup') {
    id = `/subscriptions/${sub}/resourceGroups/${name}`;
  } else if (kind === 'RoleAssignment') {
    id = `${str(inputs.scope) ?? `/subscriptions/${sub}`}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  } else if (child) {
    const [parentKey, parentSegment, segment] = child;
    const parentName = str(inputs[parentKey]) ?? 'parent';
    id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${namespace}/${parentSegment}/${parentName}/${segment}/${name}`;
  } else {
    id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${namespace}/${plural(lowerFirst(kind))}/${name}`;
  }

  const state: State = { ...r.inputs, id, name, type: `${namespace}/${plural(lowerFirst(kind))}` };
  if (kind !== 'RoleAssignment' && module !== 'authorization') state.location = location;
  state.provisioningState = 'Succeeded';
  const principal = () => ({
    type: str((inputs.identity as Inputs | undefined)?.type) ?? 'SystemAssigned',
    principalId: r.ids.uuid(r.urn, 'principal'),
    tenantId: r.ids.tenantId(),
  });

  switch (kind) {
    case 'RoleAssignment':
      state.name = str(inputs.roleAssignmentName) ?? r.ids.uuid(r.urn, 'role-assignment');
      state.id = `${str(inputs.scope) ?? `/subscriptions/${sub}`}/providers/Microsoft.Authorization/roleAssignments/${String(state.name)}`;
      break;
    case 'UserAssignedIdentity':
      state.clientId = r.ids.uuid(r.urn, 'client');
      state.principalId = r.ids.uuid(r.urn, 'principal');
      state.tenantId = r.ids.tenantId();
      break;
    case 'ManagedCluster': {
      const dnsPrefix = str(inputs.dnsPrefix) ?? name;
      const fqdn = aksFqdn(r.ids, dnsPrefix, name, location);
      Object.assign(state, {
        fqdn,
        azurePortalFQDN: `${dnsPrefix}-${r.ids.hex(name, 'portal', 8)}.portal.hcp.${location}.azmk8s.${SIMULATED_DOMAIN}`,
        currentKubernetesVersion: str(inputs.kubernetesVersion) ?? '1.32',
        kubernetesVersion: str(inputs.kubernetesVersion) ?? '1.32',
        nodeResourceGroup: str(inputs.nodeResourceGroup) ?? `MC_${rg}_${name}_${location}`,
        identity: principal(),
        identityProfile: {
          kubeletidentity: {
            clientId: r.ids.uuid(r.urn, 'kubelet-client'),
            objectId: r.ids.uuid(r.urn, 'kubelet-object'),
            resourceId: `/subscriptions/${sub}/resourceGroups/MC_${rg}_${name}_${location}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
          },
        },
        oidcIssuerProfile: {
          enabled: true,
          issuerURL: `https://${location}.oic.${SIMULATED_DOMAIN}/${r.ids.tenantId()}/${r.ids.uuid(r.urn, 'oidc')}/`,
        },
        powerState: { code: 'Running' },
        maxAgentPools: 100,
      });
      break;
    }
    case 'AgentPool':
      Object.assign(state, {
        powerState: { code: 'Running' },
        nodeImageVersion: 'AKSUbuntu-2204gen2containerd-simulated',
      });
      break;
    case 'PublicIPAddress':
      state.ipAddress = `203.0.113.${r.ids.byte(r.urn, 'ip')}`;
      break;
    case 'Vault':
      state.properties = {
        ...(inputs.properties as Inputs | undefined),
        vaultUri: `https://${name}.vault.${SIMULATED_DOMAIN}/`,
      };
      break;
    case 'Key': {
      const vault = str(inputs.vaultName) ?? 'vault';
      const keyUri = `https://${vault}.vault.${SIMULATED_DOMAIN}/keys/${name}`;
      Object.assign(state, { keyUri, keyUriWithVersion: `${keyUri}/${r.ids.hex(r.urn, 'version', 32)}` });
      break;
    }
    case 'DiskEncryptionSet':
      state.identity = principal();
      break;
    case 'VirtualNetwork':
    case 'Subnet':
    case 'NetworkSecurityGroup':
    case 'NatGateway':
    case 'RouteTable':
      state.etag = `W/"${r.ids.uuid(r.urn, 'etag')}"`;
      state.resourceGuid = r.ids.uuid(r.urn, 'guid');
      break;
    default:
      if (inputs.identity) state.identity = principal();
  }
  return { id: String(state.id), state };
}

function aksFqdn(ids: DeterministicIds, dnsPrefix: string, clusterName: string, location: string): string {
  return `${dnsPrefix}-${ids.hex(clusterName, 'fqdn', 8)}.hcp.${location}.azmk8s.${SIMULATED_DOMAIN}`;
}

// ------------------------------------------------------------------------------------------------ AWS

/** EC2-style id prefixes by resource kind. */
const EC2_PREFIX: Record<string, string> = {
  Vpc: 'vpc',
  Subnet: 'subnet',
  InternetGateway: 'igw',
  NatGateway: 'nat',
  Eip: 'eipalloc',
  RouteTable: 'rtb',
  RouteTableAssociation: 'rtbassoc',
  SecurityGroup: 'sg',
  SecurityGroupRule: 'sgrule',
  VpcSecurityGroupIngressRule: 'sgr',
  VpcSecurityGroupEgressRule: 'sgr',
  LaunchTemplate: 'lt',
  NetworkAcl: 'acl',
  VpcEndpoint: 'vpce',
  FlowLog: 'fl',
};

function awsResource(r: MockedResource): pulumi.runtime.MockResourceResult {
  const [, moduleAndKind = '', kind = ''] = r.type.split(':');
  const module = moduleAndKind.split('/')[0];
  const inputs = plain(r.inputs) as Inputs;
  const region = r.context.region;
  const account = r.ids.awsAccountId();
  const autoName = `${r.name}-${r.ids.hex(r.urn, 'autoname', 7)}`;
  const state: State = { ...r.inputs, tagsAll: { ...(inputs.tags as Inputs | undefined) } };
  let id: string;

  if (module === 'ec2' || module === 'vpc') {
    const prefix = EC2_PREFIX[kind] ?? lowerFirst(kind).toLowerCase();
    id = `${prefix}-${r.ids.hex(r.urn, 'id', 17)}`;
    state.arn = `arn:aws:ec2:${region}:${account}:${kebab(kind)}/${id}`;
    state.ownerId = account;
    switch (kind) {
      case 'Vpc':
        Object.assign(state, {
          defaultSecurityGroupId: `sg-${r.ids.hex(r.urn, 'default-sg', 17)}`,
          defaultRouteTableId: `rtb-${r.ids.hex(r.urn, 'default-rtb', 17)}`,
          mainRouteTableId: `rtb-${r.ids.hex(r.urn, 'main-rtb', 17)}`,
          defaultNetworkAclId: `acl-${r.ids.hex(r.urn, 'default-acl', 17)}`,
        });
        break;
      case 'Subnet': {
        const zone = str(inputs.availabilityZone) ?? r.context.zones[0] ?? `${region}a`;
        Object.assign(state, {
          availabilityZone: zone,
          availabilityZoneId: `${region.split('-')[0]}1-az${zone.slice(-1)}`,
        });
        break;
      }
      case 'Eip':
        Object.assign(state, {
          allocationId: id,
          publicIp: `198.51.100.${r.ids.byte(r.urn, 'ip')}`,
          publicDns: `ec2-198-51-100-${r.ids.byte(r.urn, 'ip')}.${region}.compute.${SIMULATED_DOMAIN}`,
        });
        break;
      case 'NatGateway':
        Object.assign(state, {
          publicIp: `198.51.100.${r.ids.byte(r.urn, 'ip')}`,
          privateIp: `10.0.${r.ids.byte(r.urn, 'net')}.${r.ids.byte(r.urn, 'host')}`,
        });
        break;
      case 'LaunchTemplate':
        Object.assign(state, { latestVersion: 1, defaultVersion: 1, name: str(inputs.name) ?? autoName });
        break;
      case 'SecurityGroup':
        state.name = str(inputs.name) ?? autoName;
        break;
    }
  } else if (module === 'iam') {
    const iamName = str(inputs.name) ?? autoName;
    switch (kind) {
      case 'Role':
      case 'Policy':
      case 'InstanceProfile':
      case 'User': {
        const arn = `arn:aws:iam::${account}:${lowerFirst(kind).replace('instanceProfile', 'instance-profile')}/${iamName}`;
        id = kind === 'Policy' ? arn : iamName;
        Object.assign(state, {
          name: iamName,
          arn,
          uniqueId: `AROA${r.ids.hex(r.urn, 'unique', 17).toUpperCase()}`,
        });
        break;
      }
      case 'OpenIdConnectProvider': {
        const url = (str(inputs.url) ?? '').replace(/^https:\/\//, '');
        id = `arn:aws:iam::${account}:oidc-provider/${url}`;
        state.arn = id;
        break;
      }
      default:
        id = `${iamName}-${r.ids.hex(r.urn, 'id', 8)}`;
    }
  } else if (module === 'eks') {
    const clusterName = str(inputs.clusterName) ?? '';
    switch (kind) {
      case 'Cluster': {
        const name = str(inputs.name) ?? autoName;
        const endpointId = r.ids.hex(name, 'endpoint', 32).toUpperCase();
        id = name;
        Object.assign(state, {
          name,
          arn: `arn:aws:eks:${region}:${account}:cluster/${name}`,
          endpoint: eksEndpoint(r.ids, name, region),
          certificateAuthority: { data: SIMULATED_CA },
          certificateAuthorities: [{ data: SIMULATED_CA }],
          identities: [
            { oidcs: [{ issuer: `https://oidc.eks.${region}.${SIMULATED_DOMAIN}/id/${endpointId}` }] },
          ],
          version: str(inputs.version) ?? '1.32',
          platformVersion: 'eks.1',
          status: 'ACTIVE',
          clusterId: r.ids.uuid(r.urn, 'cluster'),
          vpcConfig: {
            ...(inputs.vpcConfig as Inputs | undefined),
            clusterSecurityGroupId: `sg-${r.ids.hex(r.urn, 'cluster-sg', 17)}`,
          },
        });
        break;
      }
      case 'NodeGroup': {
        const name = str(inputs.nodeGroupName) ?? autoName;
        id = `${clusterName}:${name}`;
        Object.assign(state, {
          nodeGroupName: name,
          arn: `arn:aws:eks:${region}:${account}:nodegroup/${clusterName}/${name}/${r.ids.uuid(r.urn, 'ng')}`,
          status: 'ACTIVE',
          resources: [{ autoscalingGroups: [{ name: `eks-${name}-${r.ids.uuid(r.urn, 'asg')}` }] }],
        });
        break;
      }
      case 'Addon': {
        const addon = str(inputs.addonName) ?? r.name;
        id = `${clusterName}:${addon}`;
        Object.assign(state, {
          arn: `arn:aws:eks:${region}:${account}:addon/${clusterName}/${addon}/${r.ids.uuid(r.urn, 'addon')}`,
          addonVersion: str(inputs.addonVersion) ?? 'v1.0.0-eksbuild.1',
        });
        break;
      }
      default:
        id = `${clusterName}:${r.name}`;
        state.arn = `arn:aws:eks:${region}:${account}:${kebab(kind)}/${clusterName}/${r.ids.uuid(r.urn, 'id')}`;
    }
  } else if (module === 'kms') {
    const keyId = r.ids.uuid(r.urn, 'key');
    id = kind === 'Alias' ? (str(inputs.name) ?? `alias/${r.name}`) : keyId;
    state.arn =
      kind === 'Alias'
        ? `arn:aws:kms:${region}:${account}:${id}`
        : `arn:aws:kms:${region}:${account}:key/${keyId}`;
    if (kind === 'Key') state.keyId = keyId;
  } else {
    id = `${kebab(kind)}-${r.ids.hex(r.urn, 'id', 17)}`;
    state.arn = `arn:aws:${module}:${region}:${account}:${kebab(kind)}/${id}`;
  }
  state.id = id;
  return { id, state };
}

function eksEndpoint(ids: DeterministicIds, clusterName: string, region: string): string {
  return `https://${ids.hex(clusterName, 'endpoint', 32).toUpperCase()}.gr7.${region}.eks.${SIMULATED_DOMAIN}`;
}

const SIMULATED_CA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nU0lNVUxBVEVEIC0gbm90IGEgcmVhbCBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n',
).toString('base64');

// ----------------------------------------------------------------------------------------- Kubernetes

function kubernetesResource(r: MockedResource): pulumi.runtime.MockResourceResult {
  // kubernetes:<group>/<version>:<Kind>, e.g. kubernetes:core/v1:Service, kubernetes:kafka.strimzi.io/v1:Kafka
  const [, groupVersion = '', kind = ''] = r.type.split(':');
  const inputs = plain(r.inputs) as Inputs;
  const metadata = (inputs.metadata as Inputs | undefined) ?? {};
  const hostSuffix = `${r.context.cloud}.${SIMULATED_DOMAIN}`;

  if (groupVersion === 'helm.sh/v3' && kind === 'Release') {
    const name = str(inputs.name) ?? `${r.name}-${r.ids.hex(r.urn, 'autoname', 8)}`;
    const namespace = str(inputs.namespace) ?? 'default';
    const status = {
      name,
      namespace,
      chart: str(inputs.chart),
      version: str(inputs.version),
      appVersion: str(inputs.version),
      revision: 1,
      status: 'deployed',
    };
    return { id: `${namespace}/${name}`, state: { ...r.inputs, name, namespace, status } };
  }

  const name = str(metadata.name) ?? `${r.name}-${r.ids.hex(r.urn, 'autoname', 8)}`;
  const namespaced = !CLUSTER_SCOPED_KINDS.has(kind);
  const namespace = namespaced ? (str(metadata.namespace) ?? 'default') : undefined;
  const state: State = {
    ...r.inputs,
    apiVersion: groupVersion.startsWith('core/') ? groupVersion.slice('core/'.length) : groupVersion,
    kind,
    metadata: {
      ...(r.inputs.metadata as Inputs | undefined),
      name,
      ...(namespace ? { namespace } : {}),
      uid: r.ids.uuid(r.urn, 'uid'),
      resourceVersion: '1',
      generation: 1,
    },
  };
  const spec = (inputs.spec as Inputs | undefined) ?? {};

  if (kind === 'Service') {
    const clusterIP = `10.96.${r.ids.byte(r.urn, 'net')}.${r.ids.byte(r.urn, 'host')}`;
    state.spec = { ...(r.inputs.spec as Inputs | undefined), clusterIP, clusterIPs: [clusterIP] };
    state.status =
      spec.type === 'LoadBalancer'
        ? {
            loadBalancer: {
              ingress: [{ hostname: `${name}-${r.ids.hex(r.urn, 'lb', 10)}.lb.${hostSuffix}` }],
            },
          }
        : { loadBalancer: {} };
  } else if (groupVersion.startsWith('kafka.strimzi.io/')) {
    state.status = strimziStatus(kind, name, namespace ?? 'default', spec, r, hostSuffix);
  } else if (kind === 'Namespace') {
    state.status = { phase: 'Active' };
  } else if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    state.status = { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 };
  } else if (kind === 'Ingress') {
    state.status = {
      loadBalancer: { ingress: [{ hostname: `${name}-${r.ids.hex(r.urn, 'lb', 10)}.lb.${hostSuffix}` }] },
    };
  }
  return { id: namespace ? `${namespace}/${name}` : name, state };
}

function strimziStatus(
  kind: string,
  name: string,
  namespace: string,
  spec: Inputs,
  r: MockedResource,
  hostSuffix: string,
): State {
  const ready = {
    conditions: [{ type: 'Ready', status: 'True', reason: 'Simulated' }],
    observedGeneration: 1,
  };
  if (kind === 'Kafka') {
    const kafka = (spec.kafka as Inputs | undefined) ?? {};
    const listeners = Array.isArray(kafka.listeners) ? (kafka.listeners as Inputs[]) : [];
    return {
      ...ready,
      clusterId: r.ids.hex(r.urn, 'cluster-id', 22),
      kafkaVersion: str(kafka.version),
      listeners: listeners.map((listener) => {
        const port = typeof listener.port === 'number' ? listener.port : 9093;
        const external =
          listener.type === 'loadbalancer' || listener.type === 'ingress' || listener.type === 'route';
        const host = external
          ? `${name}-kafka-bootstrap-${r.ids.hex(r.urn, `lb-${String(listener.name)}`, 10)}.lb.${hostSuffix}`
          : `${name}-kafka-bootstrap.${namespace}.svc`;
        return { name: listener.name, bootstrapServers: `${host}:${port}`, addresses: [{ host, port }] };
      }),
    };
  }
  if (kind === 'KafkaUser') return { ...ready, username: name, secret: name };
  if (kind === 'KafkaTopic') return { ...ready, topicName: name };
  return ready;
}

const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PersistentVolume',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'Node',
  'CSIDriver',
  'IngressClass',
]);

// --------------------------------------------------------------------------------- Dynamic providers

/** Dynamic resources run their provider's code in a real run; here they get what that code would return. */
function dynamicResource(r: MockedResource): pulumi.runtime.MockResourceResult {
  const inputs = plain(r.inputs) as Inputs;
  const id = `sim-${r.ids.hex(r.urn, 'id', 16)}`;
  if (r.type.endsWith(':GeneratedPassword')) {
    // A password of the requested length, deterministic and marked as simulated.
    const length = typeof inputs.length === 'number' ? inputs.length : 24;
    const value = `sim${r.ids.hex(r.urn, 'password', Math.max(length - 3, 1))}`.slice(0, length);
    return { id, state: { ...r.inputs, value } };
  }
  return { id, state: { ...r.inputs } };
}

// -------------------------------------------------------------------------------------------- Invokes

function invoke(
  token: string,
  inputs: Inputs,
  context: MockCloudContext,
  ids: DeterministicIds,
): Record<string, unknown> {
  const region = context.region;
  switch (token) {
    // Azure
    case 'azure-native:authorization:getClientConfig':
      return {
        clientId: ids.uuid('client-config', 'client'),
        objectId: ids.uuid('client-config', 'object'),
        subscriptionId: ids.subscriptionId(),
        tenantId: ids.tenantId(),
      };
    case 'azure-native:containerservice:listManagedClusterUserCredentials':
    case 'azure-native:containerservice:listManagedClusterAdminCredentials': {
      const clusterName = str(inputs.resourceName) ?? 'cluster';
      const server = `https://${aksFqdn(ids, clusterName, clusterName, region)}:443`;
      const value = Buffer.from(kubeconfig(clusterName, server, 'clusterUser')).toString('base64');
      return { kubeconfigs: [{ name: 'clusterUser', value }] };
    }
    // AWS
    case 'aws:index/getAvailabilityZones:getAvailabilityZones': {
      const names =
        context.cloud === 'aws' && context.zones.length
          ? [...context.zones]
          : ['a', 'b', 'c'].map((s) => `${region}${s}`);
      return {
        id: region,
        names,
        zoneIds: names.map((_n, i) => `${region.split('-')[0]}1-az${i + 1}`),
        state: 'available',
      };
    }
    case 'aws:index/getCallerIdentity:getCallerIdentity': {
      const accountId = ids.awsAccountId();
      return {
        id: accountId,
        accountId,
        arn: `arn:aws:sts::${accountId}:assumed-role/streamplane-provisioner/simulated`,
        userId: `AROA${ids.hex('caller', 'user', 17).toUpperCase()}:simulated`,
      };
    }
    case 'aws:index/getRegion:getRegion':
      return {
        id: region,
        name: region,
        region,
        endpoint: `ec2.${region}.${SIMULATED_DOMAIN}`,
        description: region,
      };
    case 'aws:index/getPartition:getPartition':
      return { id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' };
    case 'aws:iam/getPolicyDocument:getPolicyDocument': {
      const json = JSON.stringify(policyDocument(inputs), null, 2);
      return { id: ids.hex(json, 'policy', 10), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
    }
    case 'aws:eks/getAddonVersion:getAddonVersion':
      return {
        id: str(inputs.addonName) ?? 'addon',
        addonName: inputs.addonName,
        version: 'v1.0.0-eksbuild.1',
      };
    case 'aws:eks/getClusterAuth:getClusterAuth':
      return { id: str(inputs.name) ?? 'cluster', name: inputs.name, token: 'k8s-aws-v1.simulated-token' };
    case 'aws:ssm/getParameter:getParameter':
      return {
        id: str(inputs.name) ?? 'parameter',
        name: inputs.name,
        type: 'String',
        value: `ami-${ids.hex(str(inputs.name) ?? '', 'ami', 17)}`,
      };
    // Kubernetes: charts and manifests are rendered by the provider in a real run; nothing to render here.
    case 'kubernetes:helm:template':
    case 'kubernetes:yaml:decode':
      return { result: [] };
    default:
      return { ...inputs };
  }
}

function kubeconfig(clusterName: string, server: string, user: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${clusterName}`,
    'clusters:',
    `- name: ${clusterName}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${SIMULATED_CA}`,
    'contexts:',
    `- name: ${clusterName}`,
    '  context:',
    `    cluster: ${clusterName}`,
    `    user: ${user}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    '    token: simulated-token',
    '',
  ].join('\n');
}

/** `aws.iam.getPolicyDocument` arguments → the IAM JSON the provider would render. */
function policyDocument(inputs: Inputs): Record<string, unknown> {
  const statements = Array.isArray(inputs.statements) ? (inputs.statements as Inputs[]) : [];
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = {};
      if (s.sid) out.Sid = s.sid;
      out.Effect = s.effect ?? 'Allow';
      if (s.actions) out.Action = unwrapSingle(s.actions);
      if (s.notActions) out.NotAction = unwrapSingle(s.notActions);
      if (s.resources) out.Resource = unwrapSingle(s.resources);
      if (s.notResources) out.NotResource = unwrapSingle(s.notResources);
      if (Array.isArray(s.principals)) {
        out.Principal = Object.fromEntries(
          (s.principals as Inputs[]).map((p) => [String(p.type), unwrapSingle(p.identifiers)]),
        );
      }
      if (Array.isArray(s.conditions)) {
        const condition: Record<string, Record<string, unknown>> = {};
        for (const c of s.conditions as Inputs[]) {
          const test = String(c.test);
          condition[test] = { ...condition[test], [String(c.variable)]: unwrapSingle(c.values) };
        }
        out.Condition = condition;
      }
      return out;
    }),
  };
}

// ------------------------------------------------------------------------------------------- Helpers

/** Inputs with Pulumi's secret wrappers removed (for reading values; state keeps the wrappers). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return plain(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
