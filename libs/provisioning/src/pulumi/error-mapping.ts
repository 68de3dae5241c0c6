import type { FailedResource } from '../provisioning.errors';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';

/**
 * What went wrong in a Pulumi run, as a ProvisioningError. The Automation API throws `CommandError`s
 * (`ConcurrentUpdateError`, `StackNotFoundError`, `StackAlreadyExistsError` are recognised by the SDK from
 * the CLI's stderr); everything else is told apart here from the CLI's error text and from what the run's
 * engine events already reported (failed resources, program errors).
 */
export interface RunObservations {
  /** The caller's signal fired (a cancel request was sent to the CLI). */
  aborted: boolean;
  /** Resources whose steps failed (from `resOpFailedEvent` + diagnostics). */
  failures: FailedResource[];
  /** Error diagnostics not tied to a resource: the program's own exceptions. */
  programErrors: string[];
  /** Cuts credentials out of messages. */
  redact?: (text: string) => string;
}

const PATTERNS = {
  diyLock: /the stack is currently locked by/i,
  serviceConflict: /\[409\] Conflict: Another update is currently in progress|ConcurrentUpdateError/i,
  pendingOperations: /resource\(s\) with pending operations/i,
  cancelled: /update (was )?cancell?ed|operation cancell?ed|received (an )?interrupt|context canceled/i,
  // Azure AD (AADSTS…) and AWS STS/IAM authentication failures.
  credentials:
    /AADSTS7000215|AADSTS700016|AADSTS7000222|AADSTS90002|AADSTS50034|invalid_client|unauthorized_client|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClientException|ExpiredToken|RequestExpired|The security token included in the request is (invalid|expired)|AuthenticationFailed|InvalidAuthenticationToken|No valid credential sources found/i,
  expired: /ExpiredToken|RequestExpired|token included in the request is expired|AADSTS7000222/i,
  permission:
    /AuthorizationFailed|does not have authorization to perform|LinkedAuthorizationFailed|AccessDenied|UnauthorizedOperation|is not authorized to perform|not authorized to perform/i,
  engineUnavailable:
    /ENOENT|command not found|Could not find the Pulumi CLI|pulumi: not found|no resource plugin .* found|failed to download plugin|could not load plugin|failed to load checkpoint|could not read stack|getaddrinfo|no such host|connection refused|NoCredentialProviders|failed to get stack|blob \(key .*\) .*(AccessDenied|Forbidden)|failed to decrypt|passphrase must be set/i,
  program: /Running program .* failed|unhandled exception|error: Program failed|TypeError|ReferenceError/i,
  transient:
    /throttl|rate exceeded|TooManyRequests|\b429\b|timeout|timed out|temporar|ServiceUnavailable|\b503\b|InternalServerError|\b500\b|RetryableError|try again|RequestLimitExceeded|ConflictingConcurrentModification|AnotherOperationInProgress|OperationNotAllowed.*in progress/i,
};

export function toProvisioningError(error: unknown, observed: RunObservations): ProvisioningError {
  if (error instanceof ProvisioningError) return error;
  const redact = observed.redact ?? ((text: string) => text);
  const name = error instanceof Error ? error.name : '';
  const text = redact(errorText(error));
  const summary = redact(summarize(error));

  if (observed.aborted) {
    return new ProvisioningError(ProvisioningErrorCode.CANCELLED, 'The operation was cancelled', {
      cause: error,
    });
  }
  if (name === 'StackNotFoundError') {
    return new ProvisioningError(ProvisioningErrorCode.STACK_NOT_FOUND, summary, { cause: error });
  }
  if (name === 'StackAlreadyExistsError') {
    // Two runs created the stack at once: the other one is running.
    return new ProvisioningError(ProvisioningErrorCode.CONCURRENT_UPDATE, summary, { cause: error });
  }
  if (PATTERNS.diyLock.test(text)) {
    return new ProvisioningError(ProvisioningErrorCode.STACK_LOCKED, summary, { cause: error });
  }
  if (name === 'ConcurrentUpdateError' || PATTERNS.serviceConflict.test(text)) {
    return new ProvisioningError(ProvisioningErrorCode.CONCURRENT_UPDATE, summary, { cause: error });
  }
  if (PATTERNS.pendingOperations.test(text)) {
    return new ProvisioningError(ProvisioningErrorCode.PENDING_OPERATIONS, summary, { cause: error });
  }
  if (PATTERNS.credentials.test(text)) {
    return new ProvisioningError(
      ProvisioningErrorCode.CREDENTIALS_REJECTED,
      firstMatchingLine(text, PATTERNS.credentials) ?? summary,
      {
        cause: error,
        // Expired session credentials: the worker assumes the role again and retries.
        retryable: PATTERNS.expired.test(text),
      },
    );
  }
  if (PATTERNS.permission.test(text)) {
    return new ProvisioningError(
      ProvisioningErrorCode.PERMISSION_DENIED,
      firstMatchingLine(text, PATTERNS.permission) ?? summary,
      {
        cause: error,
        failedResources: observed.failures,
      },
    );
  }
  if (observed.failures.length > 0) {
    const [first] = observed.failures;
    return new ProvisioningError(
      ProvisioningErrorCode.RESOURCE_FAILED,
      `${first.type} '${first.name}' failed: ${first.message}`,
      {
        cause: error,
        failedResources: observed.failures,
        retryable: observed.failures.every((failure) => PATTERNS.transient.test(failure.message)),
      },
    );
  }
  if (observed.programErrors.length > 0 || PATTERNS.program.test(text)) {
    const message = observed.programErrors[0] ?? summary;
    return new ProvisioningError(ProvisioningErrorCode.PROGRAM_ERROR, message, { cause: error });
  }
  if (PATTERNS.engineUnavailable.test(text)) {
    return new ProvisioningError(ProvisioningErrorCode.ENGINE_UNAVAILABLE, summary, { cause: error });
  }
  if (PATTERNS.cancelled.test(text)) {
    return new ProvisioningError(ProvisioningErrorCode.CANCELLED, summary, { cause: error });
  }
  return new ProvisioningError(ProvisioningErrorCode.ENGINE_ERROR, summary, { cause: error });
}

/** The whole text of an error: a CommandError's message holds the CLI's stdout and stderr. */
function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The CLI's `error:` lines (what a person needs), else the first line of its stderr, else of the message.
 * A CommandError's message is `code: …\n stdout: …\n stderr: …\n err?: …`.
 */
function summarize(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const stderr = /\n stderr: ([\s\S]*?)\n err\?: /.exec(message)?.[1];
  const source = stderr ?? message;
  const lines = source
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errors = lines.filter((line) => /^error:/i.test(line) && !/^error: update failed$/i.test(line));
  const chosen = errors.length > 0 ? errors.join('\n') : (lines[0] ?? message);
  return chosen.length > 2000 ? `${chosen.slice(0, 2000)}…` : chosen;
}

function firstMatchingLine(text: string, pattern: RegExp): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => pattern.test(line));
}

/** Replaces every occurrence of the given values with `[redacted]`. */
export function redactor(values: string[]): (text: string) => string {
  const secrets = values.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
