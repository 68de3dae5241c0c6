import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useSearchParams } from 'react-router';
import { authApi } from '../api/auth-api';
import { useFormSubmit } from '../api/forms';
import { ErrorAlert } from '../components/ErrorAlert';
import { AuthLayout } from './AuthLayout';
import { useSession } from './session';
import { emailProblem } from './validation';

export function SignInPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const next = params.get('next');
  return (
    <AuthLayout
      title="Sign in to Streamplane"
      footer={
        <Text size="sm">
          New here?{' '}
          <Anchor component={Link} to={next ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up'}>
            Create an account
          </Anchor>{' '}
          — it comes with $200 of credits.
        </Text>
      }
    >
      <SignInForm email={params.get('email') ?? ''} onSignedIn={() => session.signedIn()} />
    </AuthLayout>
  );
}

/** Email and password; used by the sign-in page and by the dialog shown when a session has expired. */
export function SignInForm(props: {
  email?: string;
  lockEmail?: boolean;
  submitLabel?: string;
  onSignedIn: (result: { userId: string }) => void;
}) {
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: props.email ?? '', password: '' },
    validate: {
      email: emailProblem,
      password: (value: string) => (value ? null : 'Enter your password'),
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    const signedIn = await authApi.login(values.email.trim(), values.password);
    props.onSignedIn({ userId: signedIn.user.id });
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate aria-label="Sign in">
      <Stack gap="sm">
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          readOnly={props.lockEmail}
          data-autofocus={!props.email || undefined}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          data-autofocus={props.email ? true : undefined}
          {...form.getInputProps('password')}
        />
        {submit.error && <ErrorAlert error={submit.error} />}
        <Button type="submit" loading={form.submitting} fullWidth mt="xs">
          {props.submitLabel ?? 'Sign in'}
        </Button>
      </Stack>
    </form>
  );
}
