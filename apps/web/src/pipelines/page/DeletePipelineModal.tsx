import { Button, Checkbox, Code, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useMutation } from 'urql';
import { toApiError, type ApiError } from '../../api/api-error';
import { unwrap } from '../../api/forms';
import { ErrorAlert } from '../../components/ErrorAlert';
import { deletePipelineMutation } from '../pipelines.graphql';

/** Delete asks whether the topics go too: by default they stay, with their data, for other consumers. */
export function DeletePipelineModal(props: {
  opened: boolean;
  onClose: () => void;
  pipeline: { id: string; name: string; deployed: boolean; topics: string[] };
  onDeleted: () => void;
}) {
  const [deleteTopics, setDeleteTopics] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [state, remove] = useMutation(deletePipelineMutation);
  const run = async () => {
    setError(undefined);
    try {
      unwrap(await remove({ pipelineId: props.pipeline.id, deleteTopics }));
      props.onClose();
      props.onDeleted();
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Delete ${props.pipeline.name}?`} size="lg">
      <Stack gap="sm">
        <Text size="sm">
          {props.pipeline.deployed
            ? 'Its stage runners, autoscalers and Kafka users are removed from the cluster.'
            : 'It was never deployed: it is removed at once.'}
        </Text>
        {props.pipeline.topics.length > 0 && (
          <>
            <Text size="sm">Topics the pipeline created:</Text>
            <List size="sm" spacing={2}>
              {props.pipeline.topics.map((topic) => (
                <List.Item key={topic}>
                  <Code>{topic}</Code>
                </List.Item>
              ))}
            </List>
            <Checkbox
              label="Also delete these topics and the messages in them"
              description="Leave unticked to keep them (other consumers may read them; a new pipeline can reuse them)."
              checked={deleteTopics}
              onChange={(event) => setDeleteTopics(event.currentTarget.checked)}
              color="red"
            />
          </>
        )}
        {error && <ErrorAlert error={error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Keep it
          </Button>
          <Button color="red" onClick={() => void run()} loading={state.fetching}>
            {deleteTopics ? 'Delete pipeline and topics' : 'Delete pipeline'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
