/** The `errorCode`s an UPGRADE operation can carry besides the engine's (ProvisioningErrorCode). */
export enum UpgradeRunCode {
  /** On a QUEUED upgrade inside its window: the last precondition check failed; it is checked again. */
  WAITING_FOR_PRECONDITIONS = 'UPGRADE_WAITING_FOR_PRECONDITIONS',
  /** The window ended while the preconditions were unmet: nothing was changed. */
  PRECONDITIONS_NOT_MET = 'UPGRADE_PRECONDITIONS_NOT_MET',
  /** The window ended before the upgrade was ever tried (the provisioner was down): nothing was changed. */
  WINDOW_MISSED = 'UPGRADE_WINDOW_MISSED',
  /** The upgrade's proposal was closed before this operation ran (a retry of a failed proposal's upgrade). */
  PROPOSAL_CLOSED = 'UPGRADE_PROPOSAL_CLOSED',
  /** The brokers rolled to the new version but were not ready in time: the metadata version was not bumped. */
  BROKERS_NOT_READY = 'UPGRADE_BROKERS_NOT_READY',
}

/** A failure of an upgrade's own checks (not the engine's): the operation is FAILED, never retried by itself. */
export class UpgradeRunError extends Error {
  override readonly name = 'UpgradeRunError';

  constructor(
    readonly code: UpgradeRunCode,
    message: string,
  ) {
    super(message);
  }
}
