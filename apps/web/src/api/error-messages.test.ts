import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFromRest } from './api-error';
import { describeError, endsSession, fieldErrors } from './error-messages';

describe('the api’s errors, told as what to do', () => {
  it('maps a known reason to advice and keeps the api’s message as the detail', () => {
    const error = new ApiError(
      'CONFLICT',
      'DEPLOYMENT_NAME_TAKEN',
      'A deployment named orders exists.',
      'req-1',
    );
    expect(describeError(error)).toEqual({
      advice: 'A deployment with this name exists already. Choose a different name.',
      detail: 'A deployment named orders exists.',
      requestId: 'req-1',
    });
  });

  it('does not repeat the api’s message when the advice already says it', () => {
    const error = new ApiError(
      'UNAUTHENTICATED',
      'INVALID_CREDENTIALS',
      'The email or password is not correct.',
    );
    expect(describeError(error).detail).toBeUndefined();
  });

  it('falls back to the api’s own message for a reason it does not know', () => {
    expect(describeError(new ApiError('CONFLICT', 'SOMETHING_NEW', 'Do the new thing.')).advice).toBe(
      'Do the new thing.',
    );
  });

  it('falls back to the kind when the reason is unknown but the kind is not', () => {
    expect(describeError(new ApiError('NETWORK', 'NETWORK', 'fetch failed')).advice).toMatch(
      /could not be reached/,
    );
  });

  it('says when to try again after a rate limit', () => {
    const error = new ApiError('RATE_LIMITED', 'RATE_LIMITED', 'Too many requests.', undefined, [], 42);
    const described = describeError(error);
    expect(described.advice).toMatch(/Wait a moment/);
    expect(described.detail).toBe('Try again in 42 seconds.');
  });

  it('never shows an internal error’s text, only the request id', () => {
    const error = new ApiError(
      'INTERNAL',
      'INTERNAL',
      'Something went wrong on our side. Quote request id r-9.',
      'r-9',
    );
    const described = describeError(error);
    expect(described.advice).toMatch(/our side/);
    expect([described.detail, described.requestId]).toEqual([undefined, 'r-9']);
  });

  it('reads the REST error shape, and survives one that is not', () => {
    const error = apiErrorFromRest(409, {
      error: {
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN',
        message: 'Taken.',
        requestId: 'r',
        fields: [{ field: 'email', message: 'taken' }],
      },
    });
    expect(error).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN', requestId: 'r' });
    expect(error.fields).toEqual([{ field: 'email', message: 'taken' }]);
    expect(apiErrorFromRest(502, '<html>bad gateway</html>')).toMatchObject({
      code: 'INTERNAL',
      reason: 'HTTP_502',
    });
  });

  it('puts field problems on the form’s fields by their last path segment, or a mapping', () => {
    const error = new ApiError('BAD_USER_INPUT', 'INVALID_INPUT', 'Invalid input', undefined, [
      { field: 'input.roleArn', message: 'must be an IAM role ARN' },
      { field: 'password', message: 'is too common' },
      { field: 'password', message: 'must use at least 5 different characters' },
    ]);
    expect(fieldErrors(error, { 'input.roleArn': 'arn' })).toEqual({
      arn: 'Must be an IAM role ARN',
      password: 'Is too common Must use at least 5 different characters',
    });
  });

  it('tells an ended session from a wrong password', () => {
    expect(endsSession(new ApiError('UNAUTHENTICATED', 'SESSION_ENDED', ''))).toBe(true);
    expect(endsSession(new ApiError('UNAUTHENTICATED', 'INVALID_CREDENTIALS', ''))).toBe(false);
    expect(endsSession(new ApiError('FORBIDDEN', 'INSUFFICIENT_ROLE', ''))).toBe(false);
  });
});
