import {
  Alert,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap, useFormSubmit } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { brokerNodeSizes, findRegion, kafkaVersions, SPEC_LIMITS } from '../catalog/catalog';
import { cloudAccountsQuery } from '../cloud-accounts/cloud-accounts.graphql';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatUsd } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import type { CloudAccountsQuery, PreviewDeploymentQuery } from '../generated/graphql';
import { createDeploymentMutation, previewDeploymentQuery } from './deployments.graphql';
import { PlanPreview } from './PlanPreview';
import {
  defaultZones,
  formFieldOf,
  initialSpecValues,
  specFormErrors,
  specKey,
  toSpecInput,
  type SpecFormValues,
} from './spec-form';

type Account = CloudAccountsQuery['cloudAccounts'][number];

export function NewDeploymentPage() {
  const { role } = useSession();
  const [result, reexecute] = useQuery({ query: cloudAccountsQuery });
  if (!can(role, 'Mutation.createDeployment')) {
    return (
      <>
        <PageHeader title="New deployment" />
        <Alert color="gray" icon={<IconInfoCircle size={18} aria-hidden />}>
          Viewers cannot order deployments. Ask an admin of your organization for the member role.
        </Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="New deployment"
        description="A Kafka cluster in KRaft mode, spread over three availability zones of your cloud account. You see exactly what will be built and what it costs before anything is ordered."
      />
      <QueryView
        result={result}
        retry={() => reexecute({ requestPolicy: 'network-only' })}
        loadingLabel="Loading your cloud accounts…"
      >
        {({ cloudAccounts }) => {
          const verified = cloudAccounts.filter((account) => account.verification.status === 'VERIFIED');
          if (verified.length === 0) return <NoVerifiedAccount any={cloudAccounts.length > 0} />;
          return <OrderForm accounts={verified} />;
        }}
      </QueryView>
    </>
  );
}

function NoVerifiedAccount({ any }: { any: boolean }) {
  const { role } = useSession();
  return (
    <Alert
      color="yellow"
      icon={<IconInfoCircle size={18} aria-hidden />}
      title="First, a verified cloud account"
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          {any
            ? 'None of your cloud accounts is verified yet. Finish granting access and verify it.'
            : 'Connect the AWS account or Azure subscription to deploy into.'}
        </Text>
        {can(role, 'Mutation.connectAwsAccount') ? (
          <Button component={Link} to={any ? '/cloud-accounts' : '/cloud-accounts/connect'} size="xs">
            {any ? 'Go to cloud accounts' : 'Connect a cloud account'}
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            Only admins connect cloud accounts: ask one of them.
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/** The api's problems with an order, on the form's fields (it names them by input path). */
function serverFieldErrors(error: ApiError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of error.fields) {
    errors[formFieldOf(problem.field)] ??= problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
  }
  if (error.reason === 'DEPLOYMENT_NAME_TAKEN') errors.name ??= 'A deployment with this name exists already';
  if (error.reason === 'REGION_NOT_ALLOWED')
    errors.region ??= 'This cloud account does not allow this region';
  return errors;
}

function OrderForm({ accounts }: { accounts: Account[] }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useClient();
  const [, create] = useMutation(createDeploymentMutation);
  const initialAccount =
    accounts.find((account) => account.id === params.get('cloudAccountId')) ?? accounts[0];
  const form = useForm<SpecFormValues>({
    mode: 'controlled',
    initialValues: initialSpecValues(initialAccount),
    validate: (values) => specFormErrors(values, providerOf(values.cloudAccountId)),
  });
  const [preview, setPreview] = useState<{
    key: string;
    data: PreviewDeploymentQuery['previewDeployment'];
  }>();
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<ApiError>();

  function providerOf(accountId: string) {
    return accounts.find((account) => account.id === accountId)?.provider ?? 'AWS';
  }
  const account = accounts.find((candidate) => candidate.id === form.values.cloudAccountId);
  const provider = account?.provider ?? 'AWS';
  const region = findRegion(provider, form.values.region);
  const currentKey = specKey(form.values);
  const previewIsCurrent = preview?.key === currentKey;

  const runPreview = async () => {
    if (form.validate().hasErrors) return;
    setPreviewing(true);
    setPreviewError(undefined);
    try {
      const data = unwrap(
        await client
          .query(
            previewDeploymentQuery,
            { spec: toSpecInput(form.values, provider) },
            { requestPolicy: 'network-only' },
          )
          .toPromise(),
      );
      setPreview({ key: currentKey, data: data.previewDeployment });
    } catch (error) {
      const apiError = toApiError(error);
      setPreviewError(apiError);
      applyServerFields(apiError);
    } finally {
      setPreviewing(false);
    }
  };

  function applyServerFields(error: ApiError) {
    const errors = serverFieldErrors(error);
    if (Object.keys(errors).length > 0) form.setErrors(errors);
  }

  const submit = useFormSubmit(
    form,
    async (values) => {
      const data = unwrap(
        await create({
          input: { cloudAccountId: values.cloudAccountId, spec: toSpecInput(values, provider) },
        }),
      );
      void navigate(`/deployments/${data.createDeployment.deployment.id}`);
    },
    serverFieldErrors,
  );

  const changeAccount = (id: string | null) => {
    const next = accounts.find((candidate) => candidate.id === id);
    if (!next) return;
    const fresh = initialSpecValues(next);
    form.setValues({ ...fresh, name: form.values.name });
  };
  const changeRegion = (name: string | null) => {
    if (!name) return;
    form.setValues({ region: name, zones: defaultZones(provider, name) });
  };

  return (
    <form onSubmit={submit.onSubmit} noValidate aria-label="Order a deployment">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Section title="Kafka">
              <TextInput
                label="Name"
                description={`Names the cloud resources: ${SPEC_LIMITS.name.minLength}–${SPEC_LIMITS.name.maxLength} lower-case letters, digits and “-”, starting with a letter.`}
                placeholder="orders-prod"
                required
                autoComplete="off"
                {...form.getInputProps('name')}
              />
              <Group grow align="flex-start">
                <Select
                  label="Kafka version"
                  required
                  allowDeselect={false}
                  data={[...kafkaVersions()].reverse()}
                  {...form.getInputProps('kafkaVersion')}
                />
                <div>
                  <Text size="sm" fw={500} mb={4} id="controllers-label">
                    KRaft controllers
                  </Text>
                  <SegmentedControl
                    fullWidth
                    aria-labelledby="controllers-label"
                    data={[
                      { value: '3', label: '3 (survives 1 lost)' },
                      { value: '5', label: '5 (survives 2)' },
                    ]}
                    {...form.getInputProps('controllers')}
                  />
                  <Text size="xs" c="dimmed" mt={4}>
                    Fixed after creation.
                  </Text>
                </div>
              </Group>
            </Section>
            <Section title="Where">
              <Select
                label="Cloud account"
                required
                allowDeselect={false}
                data={accounts.map((candidate) => ({
                  value: candidate.id,
                  label: `${candidate.name} (${candidate.provider === 'AWS' ? 'AWS' : 'Azure'}${candidate.verification.simulated ? ', simulated' : ''})`,
                }))}
                {...form.getInputProps('cloudAccountId')}
                onChange={changeAccount}
              />
              <Select
                label="Region"
                description="Regions this cloud account allows."
                required
                allowDeselect={false}
                searchable
                data={(account?.allowedRegions ?? []).map((name) => ({
                  value: name,
                  label: `${findRegion(provider, name)?.displayName ?? name} — ${name}`,
                }))}
                {...form.getInputProps('region')}
                onChange={changeRegion}
              />
              <Checkbox.Group
                label="Availability zones"
                description="Exactly three: brokers and controllers are spread over them (rack awareness), so losing a zone loses no data."
                required
                {...form.getInputProps('zones')}
              >
                <Group mt="xs" gap="lg">
                  {(region?.zones ?? []).map((zone) => (
                    <Checkbox key={zone} value={zone} label={zone} />
                  ))}
                </Group>
              </Checkbox.Group>
            </Section>
            <Section title="Capacity">
              <Group grow align="flex-start">
                <NumberInput
                  clampBehavior="none"
                  label="Brokers"
                  description={`${SPEC_LIMITS.brokers.min}–${SPEC_LIMITS.brokers.max}; you can add more later.`}
                  min={SPEC_LIMITS.brokers.min}
                  max={SPEC_LIMITS.brokers.max}
                  allowDecimal={false}
                  required
                  {...form.getInputProps('brokers')}
                />
                <NumberInput
                  clampBehavior="none"
                  label="Storage per broker (GiB)"
                  description={`${SPEC_LIMITS.storagePerBrokerGiB.min}–${SPEC_LIMITS.storagePerBrokerGiB.max}; can grow later, never shrink.`}
                  min={SPEC_LIMITS.storagePerBrokerGiB.min}
                  max={SPEC_LIMITS.storagePerBrokerGiB.max}
                  step={100}
                  allowDecimal={false}
                  thousandSeparator=","
                  required
                  {...form.getInputProps('storagePerBrokerGiB')}
                />
              </Group>
              <Select
                label="Broker node size"
                required
                allowDeselect={false}
                searchable
                data={brokerNodeSizes(provider).map((size) => ({
                  value: size.name,
                  label: `${size.name} — ${size.vcpu} vCPU, ${size.memoryGiB} GiB, ${size.family}, ~${formatUsd(size.pricePerHourUsd)}/h`,
                }))}
                {...form.getInputProps('nodeSize')}
              />
            </Section>
            <Section title="Access">
              <div>
                <Text size="sm" fw={500} mb={4} id="auth-label">
                  Client authentication
                </Text>
                <SegmentedControl
                  aria-labelledby="auth-label"
                  data={[
                    { value: 'SCRAM_SHA_512', label: 'SCRAM-SHA-512 (username + password)' },
                    { value: 'MTLS', label: 'Mutual TLS (client certificates)' },
                  ]}
                  {...form.getInputProps('clientAuthentication')}
                />
              </div>
              <Switch
                label="Public listener"
                description="Clients outside the cluster's network connect over TLS through cloud load balancers. Off: only from inside the VNet/VPC."
                {...form.getInputProps('externalListener', { type: 'checkbox' })}
              />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card p="lg" pos="sticky" top={72}>
            <Stack gap="md">
              <Title order={2} size="h4">
                Plan and monthly cost
              </Title>
              {!preview && !previewing && !previewError && (
                <Text size="sm" c="dimmed">
                  Preview to see every resource that will be created and an itemised monthly estimate. Nothing
                  is created until you order.
                </Text>
              )}
              {previewError && <ErrorAlert error={previewError} />}
              {preview && <PlanPreview preview={preview.data} stale={!previewIsCurrent} />}
              {submit.error && <ErrorAlert error={submit.error} />}
              <Group grow>
                <Button
                  variant={previewIsCurrent ? 'default' : 'filled'}
                  onClick={() => void runPreview()}
                  loading={previewing}
                >
                  {preview && !previewIsCurrent ? 'Preview again' : 'Preview plan and cost'}
                </Button>
                <Button type="submit" disabled={!previewIsCurrent} loading={form.submitting}>
                  Order deployment
                </Button>
              </Group>
              {!previewIsCurrent && preview && (
                <Text size="xs" c="dimmed">
                  The settings changed since the preview: preview again before ordering.
                </Text>
              )}
            </Stack>
          </Card>
        </Grid.Col>
      </Grid>
    </form>
  );
}

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Card p="lg">
      <Title order={2} size="h5" mb="md">
        {props.title}
      </Title>
      <Stack gap="md">{props.children}</Stack>
    </Card>
  );
}
