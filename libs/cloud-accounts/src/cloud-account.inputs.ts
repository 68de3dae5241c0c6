import { catalogFor, type Cloud } from '@streamplane/deployment-spec';
import { displayName } from '@streamplane/errors';
import { z } from 'zod';
import type { CloudProvider } from '@streamplane/db';

/**
 * IAM role ARNs of the commercial partition (the only one the region catalog covers):
 * `arn:aws:iam::<12 digits>:role/<optional path/>name`, name and path segments as IAM allows them.
 */
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

export function parseAwsRoleArn(arn: string): { accountId: string; roleName: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  return match ? { accountId: match[1], roleName: match[2] } : undefined;
}

const roleArn = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/streamplane-provisioner');

/** Azure ids are GUIDs; stored lower-cased. */
const guid = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.guid({ error: `must be the ${what} (a GUID such as 00000000-0000-0000-0000-000000000000)` }));

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

/** Azure client secrets are printable ASCII, 40 characters today; never echoed in an error. */
const clientSecret = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .refine((value) => !CONTROL_OR_SPACE.test(value), 'must not contain spaces or control characters');

/**
 * Resource-group names as the infra program accepts them: 1-90 ASCII letters, digits, `._-()`, not ending in
 * a period (Azure also allows other Unicode letters; the program does not).
 */
const resourceGroup = z
  .string()
  .trim()
  .regex(
    /^[\w\-.()]{1,90}$/,
    'must be a resource group name: 1-90 letters, digits, ".", "_", "-", "(" or ")"',
  )
  .refine((value) => !value.endsWith('.'), 'must not end with a period');

/** Regions of the provider's catalog (`@streamplane/deployment-spec`), at least one, each once. */
function allowedRegions(provider: CloudProvider) {
  const cloud = cloudOf(provider);
  const known = catalogFor(cloud).regions.map((region) => region.name);
  return z
    .array(z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'))
    .min(1, 'must name at least one region')
    .max(known.length, `must name at most ${known.length} regions`)
    .superRefine((regions, ctx) => {
      const seen = new Set<string>();
      regions.forEach((region, index) => {
        if (seen.has(region)) ctx.addIssue({ code: 'custom', path: [index], message: `repeats ${region}` });
        else if (!known.includes(region))
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `${region} is not a region Streamplane deploys to on ${catalogFor(cloud).displayName} (known: ${known.join(', ')})`,
          });
        seen.add(region);
      });
    });
}

export function cloudOf(provider: CloudProvider): Cloud {
  return provider === 'AWS' ? 'aws' : 'azure';
}

export const ConnectAwsInput = z.strictObject({
  name: displayName(100),
  roleArn,
  allowedRegions: allowedRegions('AWS'),
});
export type ConnectAwsAccountInput = z.input<typeof ConnectAwsInput>;

export const ConnectAzureInput = z.strictObject({
  name: displayName(100),
  tenantId: guid('Directory (tenant) ID'),
  clientId: guid('Application (client) ID'),
  clientSecret,
  subscriptionId: guid('subscription ID'),
  resourceGroup: resourceGroup.nullish(),
  allowedRegions: allowedRegions('AZURE'),
});
export type ConnectAzureAccountInput = z.input<typeof ConnectAzureInput>;

/** Only what is safe to change in place: the name and the regions. Anything else is a new account. */
export const UpdateInput = {
  AWS: z.strictObject({ name: displayName(100).nullish(), allowedRegions: allowedRegions('AWS').nullish() }),
  AZURE: z.strictObject({
    name: displayName(100).nullish(),
    allowedRegions: allowedRegions('AZURE').nullish(),
  }),
} as const;
export type UpdateCloudAccountInput = z.input<(typeof UpdateInput)['AWS']>;
