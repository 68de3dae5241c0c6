import { Anchor, Button, Group, PasswordInput, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconGift } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { authApi } from '../api/auth-api';
import { useFormSubmit } from '../api/forms';
import { ErrorAlert } from '../components/ErrorAlert';
import { AuthLayout } from './AuthLayout';
import { useSession } from './session';
import { emailProblem, nameProblem, passwordProblem, PASSWORD_MIN_LENGTH } from './validation';

export function SignUpPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const next = params.get('next');
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', email: params.get('email') ?? '', organizationName: '', password: '' },
    validate: {
      name: (value: string) => nameProblem(value, 'your name'),
      email: emailProblem,
      organizationName: (value: string) => nameProblem(value, 'a name for your organization'),
      password: (value: string, values) => passwordProblem(value, values.email),
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    await authApi.signup({
      name: values.name.trim(),
      email: values.email.trim(),
      organizationName: values.organizationName.trim(),
      password: values.password,
    });
    // Joining through an invitation: the organization that matters is the inviting one, not the new own one.
    if (!next?.startsWith('/invitations/')) {
      notifications.show({
        color: 'teal',
        title: `Welcome to Streamplane, ${values.name.trim().split(' ')[0]}`,
        message: 'Your organization has $200 of credits to start with.',
      });
    }
    session.signedIn();
  });
  return (
    <AuthLayout
      title="Create your account"
      subtitle="You will be the owner of a new organization. Invite your team afterwards."
      footer={
        <Text size="sm">
          Have an account?{' '}
          <Anchor component={Link} to={next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'}>
            Sign in
          </Anchor>
        </Text>
      }
    >
      <Group gap="sm" wrap="nowrap" p="sm" bg="var(--mantine-color-teal-0)" style={{ borderRadius: 8 }}>
        <ThemeIcon color="teal" variant="light" size="lg" aria-hidden>
          <IconGift size={20} />
        </ThemeIcon>
        <Text size="sm">
          <strong>$200 of credits</strong> for usage, granted the moment your organization is created.
        </Text>
      </Group>
      <form onSubmit={submit.onSubmit} noValidate aria-label="Create your account">
        <Stack gap="sm">
          <TextInput
            label="Your name"
            autoComplete="name"
            required
            autoFocus
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Work email"
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps('email')}
          />
          <TextInput
            label="Organization name"
            description="Usually your company or team. You can rename it later."
            autoComplete="organization"
            required
            {...form.getInputProps('organizationName')}
          />
          <PasswordInput
            label="Password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters; a passphrase works well.`}
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          {submit.error && <ErrorAlert error={submit.error} />}
          <Button type="submit" loading={form.submitting} fullWidth mt="xs">
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
