import { PipelineError, PipelineErrorCode as Code } from '../pipelines.errors';
import type { PipelineSpec } from '../spec/pipeline-spec';
import { createdTopicsOf, layoutOf, sourceTopicOf, topicNameProblem } from '../spec/topic-layout';
import { jsonSchemaProblems } from './json-schemas';
import { findTopicCycle } from './topic-graph';

/** Another live pipeline of the same deployment, as far as validation is concerned. */
export interface NeighbourPipeline {
  name: string;
  spec: PipelineSpec;
}

/**
 * Everything about a parsed spec that needs more than its shape: valid Kafka topic names, JSON Schemas
 * that compile, a sink that does not write the pipeline's own source, topics no other pipeline of the
 * deployment creates, and no cycle across all the deployment's pipelines (`neighbours`: the others that are
 * not deleted). Throws the first kind of problem found, listing every instance of it.
 */
export function validatePipeline(spec: PipelineSpec, neighbours: NeighbourPipeline[]): void {
  const topicProblems: { field: string; message: string }[] = [];
  const layout = layoutOf(spec);
  spec.stages.forEach((stage, index) => {
    const named: [string, unknown][] = [];
    if (stage.kind === 'source.kafka' || stage.kind === 'sink.kafka')
      named.push(['options.topic', stage.options.topic]);
    if (stage.outputTopic !== undefined) named.push(['outputTopic', stage.outputTopic]);
    for (const [field, value] of named) {
      const problem = topicNameProblem(value);
      if (problem) topicProblems.push({ field: `stages.${index}.${field}`, message: problem });
    }
    for (const topic of layout[index].createdTopics) {
      const problem = topicNameProblem(topic);
      if (problem)
        topicProblems.push({ field: `stages.${index}.outputTopic`, message: `${topic} ${problem}` });
    }
  });
  if (topicProblems.length > 0) {
    throw new PipelineError(
      Code.INVALID_TOPIC_NAME,
      `Invalid topic names: ${topicProblems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      topicProblems,
    );
  }

  const schemaProblems = jsonSchemaProblems(spec);
  if (schemaProblems.length > 0) {
    throw new PipelineError(
      Code.INVALID_JSON_SCHEMA,
      `Invalid JSON Schemas: ${schemaProblems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      schemaProblems,
    );
  }

  const sink = spec.stages[spec.stages.length - 1];
  const source = sourceTopicOf(spec);
  if (sink.kind === 'sink.kafka' && sink.options.topic === source) {
    throw new PipelineError(
      Code.SINK_WRITES_SOURCE,
      `The sink writes ${source}, the pipeline's own source: every message would come round again.`,
      [
        {
          field: `stages.${spec.stages.length - 1}.options.topic`,
          message: 'must not be the pipeline’s source topic',
        },
      ],
    );
  }

  const created = createdTopicsOf(spec);
  const duplicate = created.find((topic, index) => created.indexOf(topic) !== index);
  if (duplicate) {
    throw new PipelineError(Code.TOPIC_TAKEN, `Two stages of the pipeline create the topic ${duplicate}.`);
  }
  for (const neighbour of neighbours) {
    const taken = createdTopicsOf(neighbour.spec).find((topic) => created.includes(topic));
    if (taken) {
      throw new PipelineError(
        Code.TOPIC_TAKEN,
        `The topic ${taken} belongs to the pipeline ${neighbour.name} of this deployment.`,
      );
    }
  }

  const cycle = findTopicCycle([spec, ...neighbours.map((n) => n.spec)]);
  if (cycle) {
    throw new PipelineError(
      Code.PIPELINE_CYCLE,
      `The pipeline would close a loop between topics: ${cycle.join(' → ')}.`,
    );
  }
}
