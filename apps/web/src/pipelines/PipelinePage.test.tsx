import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../generated/graphql';
import { checkpoint, pipelinePageAnswers } from '../test/fixtures';
import { fakeSession, FakeApi, renderPage } from '../test/render';
import { PipelinePage } from './PipelinePage';

function open(role: Role, answers: Record<string, unknown> = pipelinePageAnswers()) {
  const api = new FakeApi(answers as ConstructorParameters<typeof FakeApi>[0]);
  renderPage({
    route: '/pipelines/:pipelineId',
    path: '/pipelines/pipe-1',
    element: <PipelinePage />,
    api,
    session: fakeSession(role),
  });
  return api;
}

function emitCheckpoint(api: FakeApi, overrides: Record<string, unknown>) {
  act(() =>
    api.emit('PipelineStatus', {
      pipelineStatus: {
        kind: 'CHECKPOINT',
        pipelineId: 'pipe-1',
        at: '2026-11-22T10:00:05.000Z',
        status: null,
        generation: null,
        appliedGeneration: null,
        message: null,
        checkpoint: checkpoint(overrides),
      },
    }),
  );
}

describe('the pipeline page', () => {
  it('lays the stages out in order with the topics they write, and the stored checkpoints', async () => {
    open(
      'VIEWER',
      pipelinePageAnswers({
        pipeline: {
          checkpoints: [checkpoint({ stage: 'ingest', messagesPerSec: 50, assetsSeen: 7 })],
        },
      }),
    );
    const flow = await screen.findByRole('list', { name: 'Stages, in order' });
    const stages = within(flow).getAllByRole('listitem');
    expect(stages.map((stage) => stage.getAttribute('aria-label'))).toEqual([
      'Stage ingest',
      'Stage hot',
      'Stage deliver',
    ]);
    expect(within(stages[0]).getByText('telemetry.ingest')).toBeInTheDocument();
    expect(within(stages[1]).getByText('sp-telemetry-hot')).toBeInTheDocument();
    expect(screen.getByTestId('stage-throughput-ingest')).toHaveTextContent('50 msg/s');
    expect(screen.getByText('7 devices in the last interval')).toBeInTheDocument();
    expect(within(stages[2]).getByText('no report yet')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('connected-assets')).toHaveTextContent('42'));
  });

  it('moves each stage’s figures and the totals with the live checkpoints, ignoring an older one', async () => {
    const api = open('VIEWER');
    await screen.findByRole('heading', { level: 1, name: 'telemetry' });
    await waitFor(() => expect(api.subscribed('PipelineStatus')).toBe(1));
    expect(screen.getByTestId('pipeline-throughput')).toHaveTextContent('—');

    emitCheckpoint(api, { stage: 'ingest', sequence: 4, messagesPerSec: 200, lag: 0 });
    emitCheckpoint(api, { stage: 'hot', sequence: 4, messagesPerSec: 80.25, lag: 120 });
    emitCheckpoint(api, { stage: 'deliver', sequence: 4, messagesPerSec: 79.5, lag: 30, state: 'STALLED' });
    expect(screen.getByTestId('stage-throughput-hot')).toHaveTextContent('80.3 msg/s');
    expect(screen.getByTestId('stage-lag-hot')).toHaveTextContent('120 msg');
    expect(screen.getByTestId('pipeline-throughput')).toHaveTextContent('79.5 msg/s');
    expect(screen.getByTestId('pipeline-lag')).toHaveTextContent('150 msg');
    expect(within(screen.getByTestId('flow-stage-deliver')).getByText('stalled')).toBeInTheDocument();

    // A later round, then a late report of an earlier one: the newer sequence stays.
    emitCheckpoint(api, {
      stage: 'deliver',
      sequence: 5,
      messagesPerSec: 95,
      lag: 10,
      observedAt: '2026-11-22T10:00:10.000Z',
    });
    emitCheckpoint(api, { stage: 'deliver', sequence: 3, messagesPerSec: 1, lag: 9999 });
    expect(screen.getByTestId('pipeline-throughput')).toHaveTextContent('95 msg/s');
    expect(screen.getByTestId('pipeline-lag')).toHaveTextContent('130 msg');
    expect(screen.getByTestId('flow-stage-deliver')).toHaveAttribute('data-sequence', '5');
    expect(screen.getByTestId('live-chart')).toBeInTheDocument();
  });

  it('labels a local deployment’s figures as simulated', async () => {
    open('VIEWER');
    expect(await screen.findByText('Simulated figures.')).toBeInTheDocument();
    expect(screen.getAllByText('Simulated').length).toBeGreaterThan(0);
  });

  it('re-reads the pipeline when its status changes, and shows the new status at once', async () => {
    const api = open('MEMBER');
    await screen.findByRole('button', { name: 'Pause' });
    await waitFor(() => expect(api.subscribed('PipelineStatus')).toBe(1));
    const reads = api.calls('Pipeline');
    act(() =>
      api.emit('PipelineStatus', {
        pipelineStatus: {
          kind: 'STATUS',
          pipelineId: 'pipe-1',
          at: '2026-11-22T10:01:00.000Z',
          status: 'PAUSING',
          generation: 1,
          appliedGeneration: 1,
          message: null,
          checkpoint: null,
        },
      }),
    );
    await waitFor(() => expect(api.calls('Pipeline')).toBeGreaterThan(reads));
    expect(screen.getByTestId('pipeline-status')).toHaveAttribute('data-status', 'PAUSING');
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
  });

  it('gives a viewer no actions, and a member pause and delete', async () => {
    open('VIEWER');
    await screen.findByRole('heading', { level: 1, name: 'telemetry' });
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('asks on delete whether the topics go too, and keeps them unless ticked', async () => {
    const answers = {
      ...pipelinePageAnswers(),
      DeletePipeline: {
        data: {
          deletePipeline: {
            pipeline: { id: 'pipe-1', status: 'DELETING', deleteTopics: true },
            operation: { id: 'op-2', status: 'QUEUED' },
          },
        },
      },
    };
    const api = open('MEMBER', answers);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete telemetry?' });
    expect(within(dialog).getByText('telemetry.hot')).toBeInTheDocument();
    expect(within(dialog).queryByText('alerts')).toBeNull(); // the sink's topic is not the pipeline's
    fireEvent.click(within(dialog).getByLabelText(/Also delete these topics/));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete pipeline and topics' }));
    await waitFor(() => expect(api.calls('DeletePipeline')).toBe(1));
    expect(api.requests.find((request) => request.operationName === 'DeletePipeline')?.variables).toEqual({
      pipelineId: 'pipe-1',
      deleteTopics: true,
    });
  });
});
