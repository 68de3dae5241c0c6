import * as pulumi from '@pulumi/pulumi';
import { recordingMocks, type RecordedResource } from '../cloud/mock-recorder';
import { buildUnderMocks, makeAwsSpec, programTags, TEST_DEPLOYMENT_ID } from '../cloud/testing';
import type { CloudClusterArgs } from '../types';
import type { PolicyStatement } from './policy-document';
import { awsMockCallResult, awsMockResourceState } from './mocks';
import {
  AWS_MANAGED_POLICY_MAX_CHARS,
  AWS_PERMISSIONS_BY_TYPE,
  awsManagedPolicyDocuments,
  awsPermissionPolicy,
  awsTrustPolicy,
  policySize,
} from './permissions';

const recording = recordingMocks(awsMockResourceState, awsMockCallResult);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'test', false);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AwsKafkaCluster } = require('./cluster') as typeof import('./cluster');

/** Specs that exercise every branch of the program that could add or drop a resource type. */
const VARIANTS: Partial<CloudClusterArgs>[] = [
  {},
  { spec: makeAwsSpec({ controllers: 5, brokers: 30, nodeSize: 'r7g.2xlarge' }) },
  {
    apiServerAllowedCidrs: ['198.51.100.0/24'],
    spec: makeAwsSpec({ listeners: { internal: true, external: false } }),
  },
];

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
/** IAM's ARN wildcard matching: `*` spans any characters, `/` and `:` included. */
const arnMatches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(arn);
const statement = (sid: string): PolicyStatement => {
  const found = awsPermissionPolicy().Statement.find((candidate) => candidate.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};
const allowsOn = (action: string, arn: string) =>
  awsPermissionPolicy().Statement.some(
    (candidate) =>
      asList(candidate.Action).includes(action) &&
      asList(candidate.Resource).some((pattern) => arnMatches(pattern, arn)),
  );

describe('AWS permissions derived from AwsKafkaCluster', () => {
  const resources: RecordedResource[] = [];
  const used = new Set<string>();

  beforeAll(async () => {
    for (const [index, variant] of VARIANTS.entries()) {
      const spec = variant.spec ?? makeAwsSpec();
      const deploymentId = `${index}${TEST_DEPLOYMENT_ID.slice(1)}`;
      const built = await buildUnderMocks(
        recording,
        () =>
          new AwsKafkaCluster(`kafka${index}`, {
            deploymentId,
            spec,
            tags: programTags(spec, deploymentId),
            ...variant,
          }),
      );
      resources.push(...built.resources);
      built.resources.forEach((resource) => used.add(resource.type));
      built.calls.forEach((call) => used.add(call.token));
    }
  });

  it('has permissions for exactly the resource types and invokes the program uses', () => {
    expect([...used].sort()).toEqual(Object.keys(AWS_PERMISSIONS_BY_TYPE).sort());
  });

  it('keeps every action in a statement of its own service', () => {
    for (const [type, grants] of Object.entries(AWS_PERMISSIONS_BY_TYPE)) {
      for (const [scope, actions] of Object.entries(grants)) {
        const service = /^[a-z0-9]+/.exec(scope)![0];
        for (const action of actions as string[]) {
          expect({ type, scope, action }).toEqual({
            type,
            scope,
            action: expect.stringMatching(new RegExp(`^${service}:[A-Z]`)),
          });
        }
      }
    }
  });

  it('grants no wildcard action, and unconditioned access to all resources only for reads and creation', () => {
    const policy = awsPermissionPolicy();
    const unconditionedEverywhere = policy.Statement.filter(
      (candidate) => candidate.Resource === '*' && !candidate.Condition,
    );
    expect(unconditionedEverywhere.map((candidate) => candidate.Sid).sort()).toEqual(
      ['Ec2CreateNetworkAndTemplates', 'Ec2Read', 'EksRead', 'KmsList', 'LogsRead'].sort(),
    );
    for (const candidate of unconditionedEverywhere.filter(
      (entry) => entry.Sid !== 'Ec2CreateNetworkAndTemplates',
    )) {
      for (const action of asList(candidate.Action))
        expect(action).toMatch(/^[a-z0-9]+:(Describe|List|Get)[A-Za-z]+$/);
    }
    for (const action of asList(statement('Ec2CreateNetworkAndTemplates').Action)) {
      expect(action).toMatch(/^ec2:(Create|Allocate)[A-Za-z]+$/);
    }
    for (const candidate of policy.Statement) {
      for (const action of asList(candidate.Action)) expect(action).not.toMatch(/\*$/);
    }
  });

  it('lets the role delete or change EC2 resources only when they carry the Streamplane tag', () => {
    const owned = statement('Ec2ManageOwnResources');
    expect(owned.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/streamplane:managed-by': 'streamplane' },
    });
    const anywhere = awsPermissionPolicy().Statement.filter(
      (candidate) => candidate.Resource === '*' && candidate.Sid !== owned.Sid,
    );
    for (const candidate of anywhere) {
      for (const action of asList(candidate.Action)) {
        expect(action).not.toMatch(
          /^ec2:(Delete|Modify|Revoke|Release|Detach|Disassociate|Replace|Attach|Associate)/,
        );
      }
    }
    // Tags can be written only while creating, or on what is already Streamplane's: no way to adopt a resource.
    expect(statement('Ec2TagWhatItCreates').Condition).toEqual({
      StringEquals: {
        'ec2:CreateAction': expect.arrayContaining(['CreateVpc', 'CreateSubnet', 'RunInstances']),
      },
    });
    const createActions = (
      statement('Ec2TagWhatItCreates').Condition!.StringEquals['ec2:CreateAction'] as string[]
    ).map((action) => `ec2:${action}`);
    expect(createActions).toEqual(
      expect.arrayContaining(asList(statement('Ec2CreateNetworkAndTemplates').Action)),
    );
  });

  it('covers every IAM role, EKS cluster, node group, add-on, log group and alias the program creates by name', () => {
    const arns = resources
      .filter((resource) =>
        [
          'aws:iam/role:Role',
          'aws:eks/cluster:Cluster',
          'aws:eks/nodeGroup:NodeGroup',
          'aws:eks/addon:Addon',
          'aws:cloudwatch/logGroup:LogGroup',
          'aws:kms/alias:Alias',
          'aws:iam/openIdConnectProvider:OpenIdConnectProvider',
        ].includes(resource.type),
      )
      .map((resource) => ({ type: resource.type, arn: resource.state.arn as string }));
    expect(arns.length).toBeGreaterThan(10);
    const action: Record<string, string> = {
      'aws:iam/role:Role': 'iam:DeleteRole',
      'aws:eks/cluster:Cluster': 'eks:DeleteCluster',
      'aws:eks/nodeGroup:NodeGroup': 'eks:DeleteNodegroup',
      'aws:eks/addon:Addon': 'eks:DeleteAddon',
      'aws:cloudwatch/logGroup:LogGroup': 'logs:DeleteLogGroup',
      'aws:kms/alias:Alias': 'kms:DeleteAlias',
      'aws:iam/openIdConnectProvider:OpenIdConnectProvider': 'iam:DeleteOpenIDConnectProvider',
    };
    for (const { type, arn } of arns)
      expect({ arn, allowed: allowsOn(action[type], arn) }).toEqual({ arn, allowed: true });
    // …and nothing of the customer's own.
    expect(allowsOn('iam:DeleteRole', 'arn:aws:iam::123456789012:role/payments-app')).toBe(false);
    expect(allowsOn('eks:DeleteCluster', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod')).toBe(false);
    expect(allowsOn('kms:ScheduleKeyDeletion', 'arn:aws:kms:eu-west-1:123456789012:key/1234')).toBe(false);
  });

  it('attaches only the managed policies the program attaches, and passes only Streamplane roles, only to EKS', () => {
    const attached = new Set(
      resources
        .filter((resource) => resource.type === 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')
        .map((r) => r.inputs.policyArn),
    );
    const allowed = statement('IamAttachOnlyListedManagedPolicies').Condition!.ArnEquals['iam:PolicyARN'];
    expect(new Set(allowed as string[])).toEqual(attached);
    expect(statement('IamPassStreamplaneRolesToEks')).toMatchObject({
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::*:role/streamplane-*',
      Condition: { StringEquals: { 'iam:PassedToService': 'eks.amazonaws.com' } },
    });
    const passes = awsPermissionPolicy().Statement.filter((candidate) =>
      asList(candidate.Action).includes('iam:PassRole'),
    );
    expect(passes).toHaveLength(1);
  });

  it('grants the deployment key to the role through the key policy, for the key it created only', () => {
    const key = resources.find((resource) => resource.type === 'aws:kms/key:Key')!;
    const policy = JSON.parse(key.inputs.policy as string) as { Statement: PolicyStatement[] };
    const managing = policy.Statement.find((candidate) => candidate.Sid === 'StreamplaneRoleManagesKey')!;
    expect(managing.Condition!.ArnLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::123456789012:role/streamplane-deployer',
      'arn:aws:iam::123456789012:role/*/streamplane-deployer',
    ]);
    expect(asList(managing.Action)).toEqual(
      expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy']),
    );
  });

  it('fits an inline role policy whole, and managed policies when split', () => {
    expect(policySize(awsPermissionPolicy())).toBeLessThanOrEqual(10_240);
    const documents = awsManagedPolicyDocuments();
    for (const document of documents)
      expect(policySize(document)).toBeLessThanOrEqual(AWS_MANAGED_POLICY_MAX_CHARS);
    expect(documents.flatMap((document) => document.Statement)).toEqual(awsPermissionPolicy().Statement);
    expect(
      awsPermissionPolicy({ partition: 'aws-us-gov' }).Statement.every((candidate) =>
        asList(candidate.Resource).every(
          (resource) => resource === '*' || resource.startsWith('arn:aws-us-gov:'),
        ),
      ),
    ).toBe(true);
  });
});

describe('awsTrustPolicy', () => {
  it("lets only Streamplane's account assume the role, and only with the customer's external id", () => {
    expect(awsTrustPolicy('210987654321', 'sp-ext-7f3a9c')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'StreamplaneAssumesWithExternalId',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::210987654321:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'sp-ext-7f3a9c' } },
        },
      ],
    });
  });

  it('refuses a malformed account id or external id', () => {
    expect(() => awsTrustPolicy('21098765432', 'sp-ext-7f3a9c')).toThrow('not an AWS account id');
    expect(() => awsTrustPolicy('210987654321', 'x')).toThrow('external id');
    expect(() => awsTrustPolicy('210987654321', 'has space')).toThrow('external id');
  });
});
