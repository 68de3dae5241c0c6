import { nameProblem } from '../auth/validation';

/**
 * The api's rules for connecting a cloud account (libs/cloud-accounts/src/cloud-account.inputs.ts), checked
 * before sending. The api checks again; its answer is shown if it disagrees.
 */
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE_GROUP = /^[\w\-.()]{1,90}$/;

export function accountNameProblem(value: string): string | null {
  return nameProblem(value, 'a name for this account');
}

export function roleArnProblem(value: string): string | null {
  const arn = value.trim();
  if (!arn) return 'Enter the ARN of the IAM role Streamplane will assume';
  if (!ROLE_ARN.test(arn))
    return 'Enter an IAM role ARN, like arn:aws:iam::123456789012:role/streamplane-provisioner';
  return null;
}

export function guidProblem(value: string, what: string): string | null {
  const id = value.trim();
  if (!id) return `Enter the ${what}`;
  if (!GUID.test(id)) return `The ${what} is a GUID, like 00000000-0000-0000-0000-000000000000`;
  return null;
}

export function clientSecretProblem(value: string): string | null {
  const secret = value.trim();
  if (!secret) return 'Enter the client secret’s value';
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f]/.test(secret)) return 'The secret has no spaces or control characters';
  return null;
}

export function resourceGroupProblem(value: string): string | null {
  const group = value.trim();
  if (!group) return null; // optional
  if (!RESOURCE_GROUP.test(group) || group.endsWith('.')) {
    return 'Use 1–90 letters, digits, “.”, “_”, “-”, “(” or “)”, not ending in a period';
  }
  return null;
}

export function regionsProblem(regions: string[]): string | null {
  return regions.length === 0 ? 'Choose at least one region deployments may use' : null;
}
