import { z } from 'zod';

/** A page of a list: `first` items after the cursor `after` (returned as `nextCursor` by the previous page). */
export const PageInput = z.strictObject({
  first: z.number().int().min(1).max(200).default(50),
  after: z.string().min(1).max(64).optional(),
});
export type PageRequest = z.input<typeof PageInput>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A change to a live deployment (scale, or a preview of one). Only the fields given change; fields fixed
 * at creation (controllers, zones) are accepted here so that the refusal is the spec rules' typed CONFLICT.
 */
export const DeploymentChangeInput = z
  .strictObject({
    brokers: z.number().int().optional(),
    storagePerBrokerGiB: z.number().int().optional(),
    controllers: z.number().int().optional(),
    zones: z.array(z.string().max(64)).max(10).optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: 'name at least one field to change',
  });
export type DeploymentChange = z.input<typeof DeploymentChangeInput>;

export const CreateDeploymentInput = z.object({
  cloudAccountId: z.uuid(),
  /** Checked by parseDeploymentSpec, which reports every problem with its own code. */
  spec: z.unknown(),
});
export type CreateDeploymentRequest = z.input<typeof CreateDeploymentInput>;

export const MaintenanceWindowInput = z.strictObject({ start: z.date(), end: z.date() });
export type MaintenanceWindow = z.input<typeof MaintenanceWindowInput>;

export const DeclineInput = z.string().trim().max(500).optional();
