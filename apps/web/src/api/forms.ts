import type { UseFormReturnType } from '@mantine/form';
import { useState, type FormEvent } from 'react';
import type { AnyVariables, OperationResult } from 'urql';
import { ApiError, toApiError } from './api-error';
import { fieldErrors } from './error-messages';

/** The data of a mutation or query result, or its error thrown as an ApiError. */
export function unwrap<Data, Variables extends AnyVariables>(result: OperationResult<Data, Variables>): Data {
  if (result.error) throw toApiError(result.error);
  if (!result.data) throw ApiError.unreachable('The api sent no data.');
  return result.data;
}

/**
 * A form's submit: the form's own rules first (nothing is sent while one fails), then the request; the
 * api's refusal is kept to show above the button, and its field problems are put on the fields.
 */
export function useFormSubmit<Values extends Record<string, unknown>>(
  form: UseFormReturnType<Values>,
  submit: (values: Values) => Promise<void>,
  fieldMap: Record<string, string> | ((error: ApiError) => Record<string, string>) = {},
): { onSubmit: (event?: FormEvent<HTMLFormElement>) => void; error?: ApiError; clearError(): void } {
  const [error, setError] = useState<ApiError>();
  const onSubmit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      await submit(values);
    } catch (caught) {
      const apiError = toApiError(caught);
      setError(apiError);
      const problems = typeof fieldMap === 'function' ? fieldMap(apiError) : fieldErrors(apiError, fieldMap);
      if (Object.keys(problems).length > 0) form.setErrors(problems);
    }
  });
  return { onSubmit, error, clearError: () => setError(undefined) };
}
