import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  NumberInput,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconArrowDown, IconPlus } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { LoadingState } from '../components/QueryView';
import { SimulatedBadge } from '../deployments/StatusBadge';
import {
  createPipelineMutation,
  pipelineDeploymentQuery,
  pipelineQuery,
  pipelineStageCatalogQuery,
  updatePipelineMutation,
} from './pipelines.graphql';
import { StageCard } from './StageCard';
import {
  draftFromPipeline,
  initialDraft,
  insertTransform,
  layoutOf,
  MAX_STAGES,
  roleOfKind,
  specFieldKey,
  stageErrors,
  toSpecInput,
  validateDraft,
  type FieldErrors,
  type PipelineDraft,
  type StageDraft,
  type StageRole,
} from './stage-builder';

/** Drops the api's field errors under a prefix once that part was edited (they were about the old value). */
function withoutPrefix(errors: FieldErrors, prefix: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => !key.startsWith(prefix)));
}

/** A new pipeline on the deployment of the address. */
export function NewPipelinePage() {
  const { deploymentId = '' } = useParams();
  return <PipelineBuilder deploymentId={deploymentId} />;
}

/** A pipeline's desired spec, changed: a draft is saved, a deployed pipeline rolls to it. */
export function EditPipelinePage() {
  const { pipelineId = '' } = useParams();
  const [pipeline, reread] = useQuery({ query: pipelineQuery, variables: { pipelineId } });
  const row = pipeline.data?.pipeline;
  if (!row) {
    if (pipeline.error)
      return <ErrorAlert error={pipeline.error} onRetry={() => reread({ requestPolicy: 'network-only' })} />;
    return <LoadingState label="Loading the pipeline…" />;
  }
  return (
    <PipelineBuilder
      deploymentId={row.deploymentId}
      editing={{
        pipelineId: row.id,
        name: row.name,
        deployed: row.appliedGeneration > 0,
        initial: draftFromPipeline(row),
      }}
    />
  );
}

/** The stage builder: source first, transforms, sink last; checked here as the api checks it. */
function PipelineBuilder(props: {
  deploymentId: string;
  editing?: { pipelineId: string; name: string; deployed: boolean; initial: PipelineDraft };
}) {
  const { deploymentId, editing } = props;
  const { role } = useSession();
  const navigate = useNavigate();
  const [deployment] = useQuery({ query: pipelineDeploymentQuery, variables: { deploymentId } });
  const [catalog, rereadCatalog] = useQuery({ query: pipelineStageCatalogQuery });
  const [draft, setDraft] = useState<PipelineDraft>(() => editing?.initial ?? initialDraft());
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [apiError, setApiError] = useState<ApiError>();
  const [sending, setSending] = useState<'draft' | 'deploy'>();
  const [, create] = useMutation(createPipelineMutation);
  const [, update] = useMutation(updatePipelineMutation);

  const kinds = catalog.data?.pipelineStageCatalog ?? [];
  const clientErrors = useMemo(() => validateDraft(draft, kinds), [draft, kinds]);
  const errors: FieldErrors = { ...(attempted ? clientErrors : {}), ...serverErrors };
  const layout = layoutOf(draft);

  const row = deployment.data?.deployment;
  if (!row) {
    if (deployment.error) return <ErrorAlert error={deployment.error} />;
    return <LoadingState label="Loading the deployment…" />;
  }
  if (catalog.error)
    return (
      <ErrorAlert error={catalog.error} onRetry={() => rereadCatalog({ requestPolicy: 'network-only' })} />
    );
  const allowed = can(role, editing ? 'Mutation.updatePipeline' : 'Mutation.createPipeline');
  const running = row.status === 'RUNNING';

  const change = (next: PipelineDraft, editedPrefix: string) => {
    setDraft(next);
    setServerErrors((current) => withoutPrefix(current, editedPrefix));
  };
  const setStage = (index: number, stage: StageDraft) =>
    change({ ...draft, stages: draft.stages.map((s, i) => (i === index ? stage : s)) }, `stages.${index}.`);
  const removeStage = (index: number) => {
    change({ ...draft, stages: draft.stages.filter((_, i) => i !== index) }, 'stages.');
  };
  const moveStage = (index: number, by: -1 | 1) => {
    const stages = [...draft.stages];
    [stages[index], stages[index + by]] = [stages[index + by], stages[index]];
    change({ ...draft, stages }, 'stages.');
  };

  const submit = async (deploy: boolean) => {
    setAttempted(true);
    setApiError(undefined);
    if (Object.keys(clientErrors).length > 0) return;
    setSending(deploy ? 'deploy' : 'draft');
    try {
      if (editing) {
        const { name: _name, ...spec } = toSpecInput(draft);
        unwrap(await update({ pipelineId: editing.pipelineId, spec }));
        await navigate(`/pipelines/${editing.pipelineId}`);
      } else {
        const data = unwrap(await create({ input: { deploymentId, spec: toSpecInput(draft), deploy } }));
        await navigate(`/pipelines/${data.createPipeline.pipeline.id}`);
      }
    } catch (caught) {
      const error = toApiError(caught);
      setApiError(error);
      const fields: FieldErrors = {};
      for (const problem of error.fields) {
        const key = specFieldKey(problem.field);
        const message = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
        fields[key] = fields[key] ? `${fields[key]} ${message}` : message;
      }
      // A taken name is a conflict without a field list: it still belongs on the name.
      if (error.reason === 'PIPELINE_NAME_TAKEN' && !fields.name)
        fields.name = 'Another pipeline of this deployment has this name.';
      setServerErrors(fields);
    } finally {
      setSending(undefined);
    }
  };

  const roleAt = (index: number): StageRole =>
    index === 0 ? 'source' : index === draft.stages.length - 1 ? 'sink' : 'transform';
  const problemCount = Object.keys(errors).length;

  return (
    <>
      <Anchor
        component={Link}
        to={editing ? `/pipelines/${editing.pipelineId}` : `/deployments/${deploymentId}?tab=pipelines`}
        size="sm"
        c="dimmed"
      >
        ← {editing ? editing.name : row.name}
      </Anchor>
      <PageHeader
        title={editing ? `Edit ${editing.name}` : 'New pipeline'}
        badges={row.simulated ? <SimulatedBadge what="pipeline" /> : undefined}
        description={`On ${row.name}. Data flows from a source through transforms to a sink; each stage writes its own Kafka topic, which the next stage reads.`}
      />
      <Stack gap="lg">
        {!allowed && (
          <Alert color="gray" variant="light">
            Your role can read pipelines but not create them. Ask a member, admin or owner.
          </Alert>
        )}
        {!running && (
          <Alert color="yellow" variant="light" title="The deployment is not running">
            Pipelines are deployed onto a running deployment. Wait until {row.name} is running, then create
            the pipeline.
          </Alert>
        )}
        <Card p="lg">
          <Title order={2} size="h4" mb="sm">
            Pipeline
          </Title>
          <Group grow align="flex-start">
            <TextInput
              label="Pipeline name"
              description="Lower-case letters, digits and -, up to 40; unique on this deployment. Names its topics."
              placeholder="e.g. telemetry"
              value={draft.name}
              onChange={(event) => change({ ...draft, name: event.currentTarget.value }, 'name')}
              error={errors.name}
              disabled={Boolean(editing)}
              required
            />
            <Textarea
              label="Description"
              autosize
              minRows={1}
              value={draft.description}
              onChange={(event) =>
                change({ ...draft, description: event.currentTarget.value }, 'description')
              }
              error={errors.description}
            />
          </Group>
        </Card>

        <div>
          <Title order={2} size="h4" mb="sm">
            Stages
          </Title>
          {catalog.fetching && kinds.length === 0 ? (
            <LoadingState label="Loading the stage kinds…" />
          ) : (
            <Stack gap={4}>
              {draft.stages.map((stage, index) => {
                const stageRole = roleAt(index);
                const isTransform = stageRole === 'transform';
                return (
                  <Fragment key={stage.key}>
                    {index > 0 && (
                      <Center c="dimmed" aria-hidden>
                        <IconArrowDown size={18} />
                      </Center>
                    )}
                    {index === draft.stages.length - 1 && draft.stages.length < MAX_STAGES && (
                      <>
                        <Center>
                          <Button
                            variant="light"
                            size="xs"
                            leftSection={<IconPlus size={14} />}
                            onClick={() => change(insertTransform(draft), 'stages.')}
                          >
                            Add a transform
                          </Button>
                        </Center>
                        <Center c="dimmed" aria-hidden>
                          <IconArrowDown size={18} />
                        </Center>
                      </>
                    )}
                    <StageCard
                      index={index}
                      stage={stage}
                      role={stageRole}
                      kinds={kinds.filter((kind) => roleOfKind(kind.kind) === stageRole)}
                      topics={layout[index]}
                      errors={stageErrors(errors, index)}
                      canMoveUp={isTransform && index > 1}
                      canMoveDown={isTransform && index < draft.stages.length - 2}
                      onChange={(next) => setStage(index, next)}
                      onRemove={isTransform ? () => removeStage(index) : undefined}
                      onMove={(by) => moveStage(index, by)}
                    />
                  </Fragment>
                );
              })}
              {errors.stages && (
                <Text c="red" size="sm">
                  {errors.stages}
                </Text>
              )}
            </Stack>
          )}
        </div>

        <Card p="lg">
          <Title order={2} size="h4" mb={4}>
            Topics the pipeline creates
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Every stage except the sink writes its own topic, replicated 3 times (min. in-sync replicas 2).
          </Text>
          <Group grow align="flex-start">
            <NumberInput
              label="Partitions"
              description="Also the most consumers a stage scales out to."
              min={1}
              max={1000}
              allowDecimal={false}
              value={draft.partitions}
              onChange={(value) => change({ ...draft, partitions: value }, 'topics.partitions')}
              error={errors['topics.partitions']}
            />
            <NumberInput
              label="Retention (hours)"
              description="168 hours is a week."
              min={1}
              allowDecimal={false}
              value={draft.retentionHours}
              onChange={(value) => change({ ...draft, retentionHours: value }, 'topics.retentionHours')}
              error={errors['topics.retentionHours']}
            />
            <Select
              label="Cleanup policy"
              description="compact keeps the latest message per key."
              data={['delete', 'compact']}
              value={draft.cleanupPolicy}
              allowDeselect={false}
              onChange={(value) =>
                change(
                  { ...draft, cleanupPolicy: value === 'compact' ? 'compact' : 'delete' },
                  'topics.cleanupPolicy',
                )
              }
            />
          </Group>
        </Card>

        {apiError && <ErrorAlert error={apiError} title="The pipeline was not created" />}
        {attempted && problemCount > 0 && !apiError && (
          <Alert color="red" variant="light" role="alert">
            {problemCount === 1 ? 'One field needs' : `${problemCount} fields need`} fixing before the
            pipeline can be {editing ? 'saved' : 'created'}: see the marked fields.
          </Alert>
        )}
        {allowed && editing && (
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={`/pipelines/${editing.pipelineId}`}>
              Cancel
            </Button>
            <Button onClick={() => void submit(false)} loading={Boolean(sending)} disabled={!running}>
              {editing.deployed ? 'Save and roll out' : 'Save draft'}
            </Button>
          </Group>
        )}
        {allowed && !editing && (
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => void submit(false)}
              loading={sending === 'draft'}
              disabled={!running || sending === 'deploy'}
            >
              Save as draft
            </Button>
            <Button
              onClick={() => void submit(true)}
              loading={sending === 'deploy'}
              disabled={!running || sending === 'draft'}
            >
              Create and deploy
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
