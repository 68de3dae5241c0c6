import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../generated/graphql';
import { pipeline, stageCatalog } from '../test/fixtures';
import { fakeSession, FakeApi, renderPage } from '../test/render';
import { EditPipelinePage, NewPipelinePage } from './NewPipelinePage';

function open(role: Role, overrides: { status?: string; createPipeline?: unknown } = {}) {
  const api = new FakeApi({
    PipelineDeployment: {
      data: {
        deployment: {
          id: 'dep-1',
          name: 'orders',
          status: overrides.status ?? 'RUNNING',
          simulated: true,
          connectedAssets: { count: 0, periodStart: '2026-11-01T00:00:00.000Z' },
        },
      },
    },
    PipelineStageCatalog: { data: { pipelineStageCatalog: stageCatalog() } },
    CreatePipeline: (overrides.createPipeline as { data?: unknown; errors?: unknown[] }) ?? {
      data: {
        createPipeline: {
          pipeline: { id: 'pipe-1', name: 'telemetry', status: 'DEPLOYING' },
          operation: { id: 'op-1', status: 'QUEUED' },
        },
      },
    },
  });
  renderPage({
    route: '/deployments/:deploymentId/pipelines/new',
    path: '/deployments/dep-1/pipelines/new',
    element: <NewPipelinePage />,
    api,
    session: fakeSession(role),
  });
  return api;
}

const type = (label: RegExp, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

/** The three stages of the first draft, filled in as a person would. */
function fillValidPipeline() {
  type(/^Pipeline name/, 'telemetry');
  type(/^Broker URL/, 'mqtts://broker.example.com:8883');
  type(/^Condition 1 field/, 'temperature');
  fireEvent.change(screen.getByLabelText(/^Topic to write/), { target: { value: 'alerts' } });
}

describe('the new-pipeline page', () => {
  it('checks names and options before sending, and sends nothing while a field is wrong', async () => {
    const api = open('MEMBER');
    await screen.findByText('MQTT subscription');
    type(/^Pipeline name/, 'Bad Name');
    type(/^Stage 2 name/, 'ingest');
    fireEvent.click(screen.getByRole('button', { name: 'Create and deploy' }));
    expect(
      await screen.findByText(/Lower-case letters, digits and -, starting and ending/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Another stage is named ingest: stage names are unique in a pipeline.'),
    ).toBeInTheDocument();
    expect(screen.getByText('An mqtt:// or mqtts:// URL with a host.')).toBeInTheDocument();
    expect(screen.getByText('Required: the name of a topic of this deployment.')).toBeInTheDocument();
    expect(screen.getByRole('alert', { name: '' })).toHaveTextContent(/fields need fixing/);
    expect(api.calls('CreatePipeline')).toBe(0);
  });

  it('shows the default topic each stage writes, following the names as they are typed', async () => {
    open('MEMBER');
    await screen.findByText('MQTT subscription');
    type(/^Pipeline name/, 'telemetry');
    expect(screen.getByTestId('stage-0-topics')).toHaveTextContent(
      'Receives from outside → writes telemetry.ingest (new topic)',
    );
    expect(screen.getByTestId('stage-1-topics')).toHaveTextContent(
      'Reads telemetry.ingest → writes telemetry.filter',
    );
  });

  it('sends a valid pipeline and puts the api’s refusal on the field it names, with what to do', async () => {
    const api = open('MEMBER', {
      createPipeline: {
        errors: [
          {
            message: 'Invalid topic name: stages.2.options.topic',
            extensions: {
              code: 'BAD_USER_INPUT',
              reason: 'SINK_WRITES_SOURCE',
              fields: [{ field: 'stages.2.options.topic', message: 'is the topic the pipeline reads' }],
            },
          },
        ],
      },
    });
    await screen.findByText('MQTT subscription');
    fillValidPipeline();
    fireEvent.click(screen.getByRole('button', { name: 'Create and deploy' }));
    await waitFor(() => expect(api.calls('CreatePipeline')).toBe(1));
    const sent = api.requests.find((request) => request.operationName === 'CreatePipeline')!.variables as {
      input: { deploy: boolean; spec: { name: string; stages: { kind: string; options: unknown }[] } };
    };
    expect(sent.input.deploy).toBe(true);
    expect(sent.input.spec.stages.map((stage) => stage.kind)).toEqual([
      'source.mqtt',
      'transform.filter',
      'sink.kafka',
    ]);
    expect(sent.input.spec.stages[2].options).toEqual({ topic: 'alerts' });
    expect(await screen.findByText('Is the topic the pipeline reads')).toBeInTheDocument();
    expect(
      screen.getByText('The sink writes the topic the pipeline reads. Pick another topic for the sink.'),
    ).toBeInTheDocument();
    // Editing the field takes the api's complaint about its old value away.
    type(/^Topic to write/, 'alerts.hot');
    expect(screen.queryByText('Is the topic the pipeline reads')).toBeNull();
  });

  it('opens the pipeline once it is created', async () => {
    open('MEMBER');
    await screen.findByText('MQTT subscription');
    fillValidPipeline();
    fireEvent.click(screen.getByRole('button', { name: 'Save as draft' }));
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
  });

  it('offers a viewer nothing to send, and nobody a create while the deployment is not running', async () => {
    open('VIEWER');
    await screen.findByText(/Your role can read pipelines but not create them/);
    expect(screen.queryByRole('button', { name: 'Create and deploy' })).toBeNull();
  });

  it('says why nothing can be created on a deployment that is not running', async () => {
    open('OWNER', { status: 'UPDATING' });
    await screen.findByText('The deployment is not running');
    expect(screen.getByRole('button', { name: 'Create and deploy' })).toBeDisabled();
  });
});

describe('editing a pipeline', () => {
  it('keeps the name and sealed secrets, and sends the changed stages as an update', async () => {
    const plain = pipeline();
    // The api shows a sealed secret as { set: true }; sent back, it keeps the stored value.
    const stored = {
      ...plain,
      stages: plain.stages.map((stage, index) =>
        index === 0 ? { ...stage, options: { ...stage.options, password: { set: true } } } : stage,
      ),
    };
    const api = new FakeApi({
      Pipeline: { data: { pipeline: stored } },
      PipelineDeployment: {
        data: {
          deployment: {
            id: 'dep-1',
            name: 'orders',
            status: 'RUNNING',
            simulated: true,
            connectedAssets: { count: 0, periodStart: '2026-11-01T00:00:00.000Z' },
          },
        },
      },
      PipelineStageCatalog: { data: { pipelineStageCatalog: stageCatalog() } },
      UpdatePipeline: {
        data: {
          updatePipeline: {
            pipeline: { id: 'pipe-1', status: 'UPDATING', generation: 2 },
            operation: { id: 'op-2', status: 'QUEUED' },
          },
        },
      },
    });
    renderPage({
      route: '/pipelines/:pipelineId/edit',
      path: '/pipelines/pipe-1/edit',
      element: <EditPipelinePage />,
      api,
      session: fakeSession('MEMBER'),
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Edit telemetry' })).toBeInTheDocument();
    expect(screen.getByLabelText(/^Pipeline name/)).toBeDisabled();
    expect(screen.getByText('Set (kept sealed); type to replace it.')).toBeInTheDocument();
    type(/^Topic to write/, 'alerts.v2');
    fireEvent.click(screen.getByRole('button', { name: 'Save and roll out' }));
    await waitFor(() => expect(api.calls('UpdatePipeline')).toBe(1));
    const sent = api.requests.find((request) => request.operationName === 'UpdatePipeline')!.variables as {
      pipelineId: string;
      spec: {
        name?: string;
        stages: { name: string; options: Record<string, unknown>; outputTopic?: string }[];
      };
    };
    expect(sent.pipelineId).toBe('pipe-1');
    expect(sent.spec).not.toHaveProperty('name');
    expect(sent.spec.stages[0].options.password).toEqual({ set: true });
    expect(sent.spec.stages[0]).not.toHaveProperty('outputTopic'); // telemetry.ingest is the default
    expect(sent.spec.stages[2].options).toEqual({ topic: 'alerts.v2' });
  });
});
