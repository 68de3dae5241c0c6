import {
  ConcurrentUpdateError,
  StackAlreadyExistsError,
  StackNotFoundError,
} from '@pulumi/pulumi/automation';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import { redactor, toProvisioningError } from './error-mapping';
import { STDERR, commandError, missingCliError } from './testing/automation-errors';

const nothingObserved = { aborted: false, failures: [], programErrors: [] };
const aks = {
  urn: 'urn:pulumi:dep-1::streamplane::streamplane:azure:KafkaCluster$azure-native:containerservice:ManagedCluster::aks',
  type: 'azure-native:containerservice:ManagedCluster',
  name: 'aks',
};

describe('Automation API errors → ProvisioningError', () => {
  it('builds the same error classes the SDK throws (the fixtures are real)', () => {
    expect(commandError(STDERR.serviceConflict)).toBeInstanceOf(ConcurrentUpdateError);
    expect(commandError(STDERR.diyLock)).toBeInstanceOf(ConcurrentUpdateError);
    expect(commandError(STDERR.stackNotFound)).toBeInstanceOf(StackNotFoundError);
    expect(commandError(STDERR.stackExists)).toBeInstanceOf(StackAlreadyExistsError);
  });

  it.each([
    ['service 409 conflict', STDERR.serviceConflict, ProvisioningErrorCode.CONCURRENT_UPDATE, true],
    ['DIY backend lock file', STDERR.diyLock, ProvisioningErrorCode.STACK_LOCKED, true],
    ['missing stack', STDERR.stackNotFound, ProvisioningErrorCode.STACK_NOT_FOUND, false],
    ['stack created concurrently', STDERR.stackExists, ProvisioningErrorCode.CONCURRENT_UPDATE, true],
    ['pending operations', STDERR.pendingOperations, ProvisioningErrorCode.PENDING_OPERATIONS, true],
    ['rejected Azure secret', STDERR.azureBadSecret, ProvisioningErrorCode.CREDENTIALS_REJECTED, false],
    ['expired AWS session', STDERR.awsExpired, ProvisioningErrorCode.CREDENTIALS_REJECTED, true],
    ['missing Azure permission', STDERR.azurePermission, ProvisioningErrorCode.PERMISSION_DENIED, false],
    ['missing provider plugin', STDERR.missingPlugin, ProvisioningErrorCode.ENGINE_UNAVAILABLE, true],
    ['update canceled (by someone else)', STDERR.cancelled, ProvisioningErrorCode.CANCELLED, false],
    ['anything else', STDERR.unknown, ProvisioningErrorCode.ENGINE_ERROR, false],
  ])('%s → %s (retryable %s)', (_what, stderr, code, retryable) => {
    const error = toProvisioningError(commandError(stderr), nothingObserved);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    // The message is the CLI's error line, not the whole `code: … stdout: … stderr: …` dump.
    expect(error.message).not.toMatch(/^code:/);
    expect(error.message).not.toContain('stdout:');
  });

  it('reports a missing Pulumi CLI as ENGINE_UNAVAILABLE with what failed', () => {
    const error = toProvisioningError(missingCliError(), nothingObserved);
    expect(error.code).toBe(ProvisioningErrorCode.ENGINE_UNAVAILABLE);
    expect(error.message).toBe('Command failed with ENOENT: pulumi version');
  });

  it('reports the failing resource from the run events, retryable only when the cloud error is transient', () => {
    const throttled = toProvisioningError(commandError(STDERR.updateFailed), {
      ...nothingObserved,
      failures: [
        { ...aks, message: 'Status=429 Code="TooManyRequests": rate limit exceeded, try again later' },
      ],
    });
    expect(throttled.code).toBe(ProvisioningErrorCode.RESOURCE_FAILED);
    expect(throttled.retryable).toBe(true);
    expect(throttled.resource).toMatchObject({ urn: aks.urn, type: aks.type, name: 'aks' });
    expect(throttled.message).toContain("azure-native:containerservice:ManagedCluster 'aks' failed");

    const invalid = toProvisioningError(commandError(STDERR.updateFailed), {
      ...nothingObserved,
      failures: [{ ...aks, message: 'Code="InvalidParameter": agentPoolProfiles[0].vmSize is not allowed' }],
    });
    expect(invalid.retryable).toBe(false);
  });

  it("reports the program's own exception as PROGRAM_ERROR", () => {
    const error = toProvisioningError(commandError(STDERR.updateFailed), {
      ...nothingObserved,
      programErrors: [
        "Running program '/tmp/x' failed with an unhandled exception: TypeError: x is undefined",
      ],
    });
    expect(error.code).toBe(ProvisioningErrorCode.PROGRAM_ERROR);
    expect(error.message).toContain('TypeError');
  });

  it('is CANCELLED whatever the CLI printed when the caller cancelled', () => {
    const error = toProvisioningError(commandError(STDERR.unknown), { ...nothingObserved, aborted: true });
    expect(error.code).toBe(ProvisioningErrorCode.CANCELLED);
    expect(error.retryable).toBe(false);
  });

  it('never lets a credential through into the message', () => {
    const secret = 'Zx9~client-secret-value';
    const error = toProvisioningError(
      commandError(`error: request with secret ${secret} failed: AADSTS7000215\n`),
      {
        ...nothingObserved,
        redact: redactor([secret]),
      },
    );
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain('[redacted]');
  });

  it('passes a ProvisioningError through unchanged', () => {
    const original = new ProvisioningError(ProvisioningErrorCode.INVALID_REQUEST, 'bad');
    expect(toProvisioningError(original, nothingObserved)).toBe(original);
  });
});
