import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  MultiSelect,
  type MultiSelectProps,
  PasswordInput,
  Radio,
  SimpleGrid,
  Stack,
  Stepper,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBrandAws, IconBrandAzure, IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap, useFormSubmit } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { regionsOf } from '../catalog/catalog';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import type { CloudProvider } from '../generated/graphql';
import {
  accountNameProblem,
  clientSecretProblem,
  guidProblem,
  regionsProblem,
  resourceGroupProblem,
  roleArnProblem,
} from './account-validation';
import {
  cloudAccountQuery,
  connectAwsAccountMutation,
  connectAzureAccountMutation,
  verifyCloudAccountMutation,
} from './cloud-accounts.graphql';
import { GrantInstructions } from './GrantInstructions';
import { VerificationResult } from './VerificationStatus';

/** Connect a cloud account: pick the cloud, give its details, grant what is shown, verify. */
export function ConnectCloudAccountPage() {
  const { role } = useSession();
  const [step, setStep] = useState(0);
  const [provider, setProvider] = useState<CloudProvider>('AWS');
  const [accountId, setAccountId] = useState<string>();
  if (!can(role, 'Mutation.connectAwsAccount')) {
    return (
      <>
        <PageHeader title="Connect a cloud account" />
        <Alert color="gray" icon={<IconInfoCircle size={18} aria-hidden />}>
          Only admins and owners of your organization connect cloud accounts. Ask one of them.
        </Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Connect a cloud account"
        description="Streamplane deploys Kafka into your own AWS account or Azure subscription. You grant it a narrowly scoped role; credentials are stored encrypted and never shown again."
      />
      <Card p="lg">
        <Stepper
          active={step}
          onStepClick={(index) => index < step && !accountId && setStep(index)}
          size="sm"
          allowNextStepsSelect={false}
        >
          <Stepper.Step label="Cloud" description="AWS or Azure">
            <ChooseCloud provider={provider} onChange={setProvider} onNext={() => setStep(1)} />
          </Stepper.Step>
          <Stepper.Step label="Details" description="Identify the account">
            {provider === 'AWS' ? (
              <AwsDetailsForm
                onBack={() => setStep(0)}
                onConnected={(id) => (setAccountId(id), setStep(2))}
              />
            ) : (
              <AzureDetailsForm
                onBack={() => setStep(0)}
                onConnected={(id) => (setAccountId(id), setStep(2))}
              />
            )}
          </Stepper.Step>
          <Stepper.Step label="Grant access" description="Create the role">
            {accountId && <GrantStep accountId={accountId} onNext={() => setStep(3)} />}
          </Stepper.Step>
          <Stepper.Step label="Verify" description="Check it works">
            {accountId && <VerifyStep accountId={accountId} onBack={() => setStep(2)} />}
          </Stepper.Step>
        </Stepper>
      </Card>
    </>
  );
}

function ChooseCloud(props: {
  provider: CloudProvider;
  onChange: (provider: CloudProvider) => void;
  onNext: () => void;
}) {
  return (
    <Stack mt="lg" gap="lg">
      <Radio.Group
        label="Where should Streamplane deploy?"
        value={props.provider}
        onChange={(value) => props.onChange(value)}
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
          <Radio.Card value="AWS" p="md" radius="md" aria-label="Amazon Web Services">
            <Group wrap="nowrap" align="flex-start">
              <Radio.Indicator />
              <IconBrandAws size={28} aria-hidden />
              <div>
                <Text fw={600}>Amazon Web Services</Text>
                <Text size="sm" c="dimmed">
                  An IAM role Streamplane assumes with an external id it generates for you. EKS, EBS gp3, NLB.
                </Text>
              </div>
            </Group>
          </Radio.Card>
          <Radio.Card value="AZURE" p="md" radius="md" aria-label="Microsoft Azure">
            <Group wrap="nowrap" align="flex-start">
              <Radio.Indicator />
              <IconBrandAzure size={28} aria-hidden />
              <div>
                <Text fw={600}>Microsoft Azure</Text>
                <Text size="sm" c="dimmed">
                  A service principal with a custom role on the subscription, or on one resource group. AKS,
                  managed disks.
                </Text>
              </div>
            </Group>
          </Radio.Card>
        </SimpleGrid>
      </Radio.Group>
      <Text size="sm" c="dimmed">
        Trying Streamplane on your machine? With the local engine nothing is called in any cloud: any
        well-formed details work, and deployments are simulated.
      </Text>
      <Group justify="flex-end">
        <Button onClick={props.onNext}>Continue</Button>
      </Group>
    </Stack>
  );
}

function RegionsSelect({
  provider,
  ...inputProps
}: { provider: CloudProvider } & Omit<MultiSelectProps, 'data'>) {
  return (
    <MultiSelect
      label="Regions deployments may use"
      description="You can change these later."
      placeholder="Choose one or more"
      searchable
      required
      data={regionsOf(provider).map((region) => ({
        value: region.name,
        label: `${region.displayName} — ${region.name}`,
      }))}
      {...inputProps}
    />
  );
}

function AwsDetailsForm(props: { onBack: () => void; onConnected: (id: string) => void }) {
  const [, connect] = useMutation(connectAwsAccountMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', roleArn: '', allowedRegions: [] as string[] },
    validate: {
      name: accountNameProblem,
      roleArn: roleArnProblem,
      allowedRegions: regionsProblem,
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    const data = unwrap(
      await connect({
        input: {
          name: values.name.trim(),
          roleArn: values.roleArn.trim(),
          allowedRegions: values.allowedRegions,
        },
      }),
    );
    props.onConnected(data.connectAwsAccount.id);
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate aria-label="AWS account details">
      <Stack mt="lg" gap="sm" maw={640}>
        <TextInput
          label="Name"
          description="How your team will recognise it, e.g. “Production (eu)”."
          required
          {...form.getInputProps('name')}
        />
        <TextInput
          label="IAM role ARN"
          description="The role Streamplane will assume. You can create it in the next step: its trust policy needs the external id Streamplane generates now."
          placeholder="arn:aws:iam::123456789012:role/streamplane-provisioner"
          required
          classNames={{ input: 'sp-mono' }}
          {...form.getInputProps('roleArn')}
        />
        <RegionsSelect provider="AWS" {...form.getInputProps('allowedRegions')} />
        <Anchor
          component="button"
          type="button"
          size="xs"
          ta="left"
          onClick={() =>
            form.setValues({
              name: form.values.name || 'Local sandbox',
              roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
              allowedRegions: form.values.allowedRegions.length
                ? form.values.allowedRegions
                : ['us-east-1', 'eu-west-1'],
            })
          }
        >
          Fill in example values (for the local engine)
        </Anchor>
        {submit.error && <ErrorAlert error={submit.error} />}
        <Group justify="space-between" mt="sm">
          <Button variant="default" onClick={props.onBack}>
            Back
          </Button>
          <Button type="submit" loading={form.submitting}>
            Connect and show what to grant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AzureDetailsForm(props: { onBack: () => void; onConnected: (id: string) => void }) {
  const [, connect] = useMutation(connectAzureAccountMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      name: '',
      tenantId: '',
      clientId: '',
      clientSecret: '',
      subscriptionId: '',
      resourceGroup: '',
      allowedRegions: [] as string[],
    },
    validate: {
      name: accountNameProblem,
      tenantId: (value: string) => guidProblem(value, 'Directory (tenant) ID'),
      clientId: (value: string) => guidProblem(value, 'Application (client) ID'),
      clientSecret: clientSecretProblem,
      subscriptionId: (value: string) => guidProblem(value, 'subscription ID'),
      resourceGroup: resourceGroupProblem,
      allowedRegions: regionsProblem,
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    const data = unwrap(
      await connect({
        input: {
          name: values.name.trim(),
          tenantId: values.tenantId.trim(),
          clientId: values.clientId.trim(),
          clientSecret: values.clientSecret.trim(),
          subscriptionId: values.subscriptionId.trim(),
          resourceGroup: values.resourceGroup.trim() || null,
          allowedRegions: values.allowedRegions,
        },
      }),
    );
    props.onConnected(data.connectAzureAccount.id);
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate aria-label="Azure subscription details">
      <Stack mt="lg" gap="sm" maw={640}>
        <TextInput
          label="Name"
          description="How your team will recognise it."
          required
          {...form.getInputProps('name')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Directory (tenant) ID"
            required
            classNames={{ input: 'sp-mono' }}
            {...form.getInputProps('tenantId')}
          />
          <TextInput
            label="Subscription ID"
            required
            classNames={{ input: 'sp-mono' }}
            {...form.getInputProps('subscriptionId')}
          />
          <TextInput
            label="Application (client) ID"
            required
            classNames={{ input: 'sp-mono' }}
            {...form.getInputProps('clientId')}
          />
          <PasswordInput
            label="Client secret value"
            description="Stored encrypted; never shown or logged."
            required
            autoComplete="off"
            {...form.getInputProps('clientSecret')}
          />
        </SimpleGrid>
        <TextInput
          label="Resource group (optional)"
          description="Limit Streamplane to one resource group; the role is then assigned there, not on the subscription."
          {...form.getInputProps('resourceGroup')}
        />
        <RegionsSelect provider="AZURE" {...form.getInputProps('allowedRegions')} />
        <Anchor
          component="button"
          type="button"
          size="xs"
          ta="left"
          onClick={() =>
            form.setValues({
              name: form.values.name || 'Local sandbox',
              tenantId: '11111111-1111-1111-1111-111111111111',
              clientId: '22222222-2222-2222-2222-222222222222',
              clientSecret: 'local-engine-example-secret',
              subscriptionId: '33333333-3333-3333-3333-333333333333',
              allowedRegions: form.values.allowedRegions.length
                ? form.values.allowedRegions
                : ['eastus', 'westeurope'],
            })
          }
        >
          Fill in example values (for the local engine)
        </Anchor>
        {submit.error && <ErrorAlert error={submit.error} />}
        <Group justify="space-between" mt="sm">
          <Button variant="default" onClick={props.onBack}>
            Back
          </Button>
          <Button type="submit" loading={form.submitting}>
            Connect and show what to grant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function GrantStep(props: { accountId: string; onNext: () => void }) {
  const [result, reexecute] = useQuery({
    query: cloudAccountQuery,
    variables: { cloudAccountId: props.accountId },
  });
  return (
    <Stack mt="lg" gap="md">
      <QueryView result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {({ cloudAccount }) => (
          <>
            <Text size="sm">
              <strong>{cloudAccount.name}</strong> is connected. Create this in{' '}
              {cloudAccount.provider === 'AWS'
                ? `AWS account ${cloudAccount.aws?.accountId ?? ''}`
                : 'your Azure subscription'}
              , then verify.
            </Text>
            <GrantInstructions
              provider={cloudAccount.provider}
              grant={cloudAccount.grant}
              externalId={cloudAccount.aws?.externalId}
              roleArn={cloudAccount.aws?.roleArn}
            />
          </>
        )}
      </QueryView>
      <Group justify="flex-end">
        <Button onClick={props.onNext}>I have granted it — verify</Button>
      </Group>
    </Stack>
  );
}

function VerifyStep(props: { accountId: string; onBack: () => void }) {
  const navigate = useNavigate();
  const [state, verify] = useMutation(verifyCloudAccountMutation);
  const [error, setError] = useState<ApiError>();
  const started = useRef(false);
  const run = async () => {
    setError(undefined);
    try {
      unwrap(await verify({ cloudAccountId: props.accountId }));
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  useEffect(() => {
    // Verify once on arrival (a ref, so React's development double-mount does not verify twice).
    if (started.current) return;
    started.current = true;
    void run();
  });
  const verification = state.data?.verifyCloudAccount.verification;
  return (
    <Stack mt="lg" gap="md">
      {state.fetching && !verification && (
        <Alert color="blue" variant="light" title="Verifying…">
          Streamplane is checking that it can use the account.
        </Alert>
      )}
      {error && <ErrorAlert error={error} onRetry={() => void run()} />}
      {verification && (
        <VerificationResult
          verification={verification}
          onVerify={() => void run()}
          verifying={state.fetching}
        />
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={props.onBack}>
          Back to what to grant
        </Button>
        <Group>
          <Button variant="default" component={Link} to={`/cloud-accounts/${props.accountId}`}>
            View account
          </Button>
          {verification?.status === 'VERIFIED' && (
            <Button onClick={() => void navigate(`/deployments/new?cloudAccountId=${props.accountId}`)}>
              Create a deployment
            </Button>
          )}
        </Group>
      </Group>
    </Stack>
  );
}
