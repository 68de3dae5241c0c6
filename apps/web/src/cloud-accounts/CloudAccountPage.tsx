import {
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap, useFormSubmit } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { regionsOf } from '../catalog/catalog';
import { CopyValue } from '../components/CopyBlock';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import type { CloudAccountQuery } from '../generated/graphql';
import { accountNameProblem, regionsProblem } from './account-validation';
import {
  cloudAccountQuery,
  deleteCloudAccountMutation,
  updateCloudAccountMutation,
  verifyCloudAccountMutation,
} from './cloud-accounts.graphql';
import { GrantInstructions } from './GrantInstructions';
import { VerificationBadge, VerificationResult } from './VerificationStatus';

type Account = CloudAccountQuery['cloudAccount'];

export function CloudAccountPage() {
  const { cloudAccountId = '' } = useParams();
  const [result, reexecute] = useQuery({ query: cloudAccountQuery, variables: { cloudAccountId } });
  return (
    <QueryView
      result={result}
      retry={() => reexecute({ requestPolicy: 'network-only' })}
      loadingLabel="Loading the cloud account…"
    >
      {({ cloudAccount }) => <AccountDetails account={cloudAccount} />}
    </QueryView>
  );
}

function AccountDetails({ account }: { account: Account }) {
  const { role } = useSession();
  const [verifyState, verify] = useMutation(verifyCloudAccountMutation);
  const [verifyError, setVerifyError] = useState<ApiError>();
  const canAdmin = can(role, 'Mutation.verifyCloudAccount');
  const runVerify = async () => {
    setVerifyError(undefined);
    try {
      unwrap(await verify({ cloudAccountId: account.id }));
    } catch (error) {
      setVerifyError(toApiError(error));
    }
  };
  return (
    <>
      <PageHeader
        title={account.name}
        badges={<VerificationBadge verification={account.verification} />}
        description={
          account.provider === 'AWS' ? 'Amazon Web Services account' : 'Microsoft Azure subscription'
        }
        actions={canAdmin && <AccountActions account={account} />}
      />
      <Stack gap="lg">
        {verifyError && <ErrorAlert error={verifyError} />}
        <VerificationResult
          verification={account.verification}
          onVerify={canAdmin ? () => void runVerify() : undefined}
          verifying={verifyState.fetching}
        />
        <Card p="lg">
          <Title order={2} size="h4" mb="sm">
            Identity
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {account.aws && (
              <>
                <Field label="AWS account">{account.aws.accountId}</Field>
                <Field label="Role ARN">
                  <CopyValue label="role ARN" value={account.aws.roleArn} />
                </Field>
                <Field label="External id">
                  <CopyValue label="external id" value={account.aws.externalId} />
                </Field>
              </>
            )}
            {account.azure && (
              <>
                <Field label="Subscription">{account.azure.subscriptionId}</Field>
                <Field label="Tenant">{account.azure.tenantId}</Field>
                <Field label="Application (client) ID">{account.azure.clientId}</Field>
                <Field label="Resource group">{account.azure.resourceGroup ?? 'Whole subscription'}</Field>
                <Field label="Client secret">Stored encrypted; never shown.</Field>
              </>
            )}
            <Field label="Regions deployments may use">{account.allowedRegions.join(', ')}</Field>
          </SimpleGrid>
        </Card>
        <Card p="lg">
          <Title order={2} size="h4" mb="sm">
            What to grant
          </Title>
          <GrantInstructions
            provider={account.provider}
            grant={account.grant}
            externalId={account.aws?.externalId}
            roleArn={account.aws?.roleArn}
          />
        </Card>
      </Stack>
    </>
  );
}

function Field(props: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500}>
        {props.label}
      </Text>
      <Text size="sm" component="div">
        {props.children}
      </Text>
    </div>
  );
}

function AccountActions({ account }: { account: Account }) {
  const [editing, edit] = useDisclosure(false);
  const [deleting, del] = useDisclosure(false);
  return (
    <>
      <Button variant="default" onClick={edit.open}>
        Edit
      </Button>
      <Button variant="light" color="red" onClick={del.open}>
        Remove
      </Button>
      <Modal opened={editing} onClose={edit.close} title={`Edit ${account.name}`}>
        <EditAccountForm account={account} onDone={edit.close} />
      </Modal>
      <Modal opened={deleting} onClose={del.close} title={`Remove ${account.name}?`}>
        <DeleteAccount account={account} onCancel={del.close} />
      </Modal>
    </>
  );
}

function EditAccountForm({ account, onDone }: { account: Account; onDone: () => void }) {
  const [, update] = useMutation(updateCloudAccountMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: account.name, allowedRegions: [...account.allowedRegions] },
    validate: { name: accountNameProblem, allowedRegions: regionsProblem },
  });
  const submit = useFormSubmit(form, async (values) => {
    unwrap(
      await update({
        cloudAccountId: account.id,
        input: { name: values.name.trim(), allowedRegions: values.allowedRegions },
      }),
    );
    notifications.show({ color: 'teal', message: 'Cloud account updated.' });
    onDone();
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack gap="sm">
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
        <MultiSelect
          label="Regions deployments may use"
          searchable
          required
          data={regionsOf(account.provider).map((region) => ({
            value: region.name,
            label: `${region.displayName} — ${region.name}`,
          }))}
          {...form.getInputProps('allowedRegions')}
        />
        {submit.error && <ErrorAlert error={submit.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeleteAccount({ account, onCancel }: { account: Account; onCancel: () => void }) {
  const [state, remove] = useMutation(deleteCloudAccountMutation);
  const [error, setError] = useState<ApiError>();
  const navigate = useNavigate();
  const run = async () => {
    setError(undefined);
    try {
      unwrap(await remove({ cloudAccountId: account.id }));
      notifications.show({
        color: 'teal',
        message: `${account.name} was removed, with its stored credentials.`,
      });
      void navigate('/cloud-accounts');
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  return (
    <Stack gap="sm">
      <Text size="sm">
        Streamplane forgets this account and deletes its stored credentials. Nothing in your cloud is touched;
        remove the role there yourself. Refused while a deployment uses the account.
      </Text>
      {error && <ErrorAlert error={error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Keep it
        </Button>
        <Button color="red" onClick={() => void run()} loading={state.fetching}>
          Remove account
        </Button>
      </Group>
    </Stack>
  );
}
