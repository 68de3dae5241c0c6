import { DomainError, ErrorKind, type FieldProblem } from '@streamplane/errors';

export enum PipelineErrorCode {
  INVALID_PIPELINE = 'INVALID_PIPELINE',
  INVALID_TOPIC_NAME = 'INVALID_TOPIC_NAME',
  UNKNOWN_STAGE_KIND = 'UNKNOWN_STAGE_KIND',
  INVALID_JSON_SCHEMA = 'INVALID_JSON_SCHEMA',
  PIPELINE_CYCLE = 'PIPELINE_CYCLE',
  SINK_WRITES_SOURCE = 'SINK_WRITES_SOURCE',
  TOPIC_TAKEN = 'TOPIC_TAKEN',
  DEPLOYMENT_NOT_RUNNING = 'DEPLOYMENT_NOT_RUNNING',
  PIPELINE_NAME_TAKEN = 'PIPELINE_NAME_TAKEN',
  PIPELINE_NOT_FOUND = 'PIPELINE_NOT_FOUND',
  PIPELINE_BUSY = 'PIPELINE_BUSY',
  PIPELINE_NOT_CHANGEABLE = 'PIPELINE_NOT_CHANGEABLE',
  NOTHING_TO_CHANGE = 'NOTHING_TO_CHANGE',
}

// A Record over the enum: a new code without a kind does not compile.
const KIND: Record<PipelineErrorCode, ErrorKind> = {
  INVALID_PIPELINE: ErrorKind.BAD_USER_INPUT,
  INVALID_TOPIC_NAME: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_STAGE_KIND: ErrorKind.BAD_USER_INPUT,
  INVALID_JSON_SCHEMA: ErrorKind.BAD_USER_INPUT,
  PIPELINE_CYCLE: ErrorKind.BAD_USER_INPUT,
  SINK_WRITES_SOURCE: ErrorKind.BAD_USER_INPUT,
  TOPIC_TAKEN: ErrorKind.CONFLICT,
  DEPLOYMENT_NOT_RUNNING: ErrorKind.CONFLICT,
  PIPELINE_NAME_TAKEN: ErrorKind.CONFLICT,
  PIPELINE_NOT_FOUND: ErrorKind.NOT_FOUND,
  PIPELINE_BUSY: ErrorKind.CONFLICT,
  PIPELINE_NOT_CHANGEABLE: ErrorKind.CONFLICT,
  NOTHING_TO_CHANGE: ErrorKind.BAD_USER_INPUT,
};

export class PipelineError extends DomainError {
  constructor(code: PipelineErrorCode, message: string, fields?: FieldProblem[]) {
    super(KIND[code], code, message, fields ? { fields } : {});
    this.name = 'PipelineError';
  }
}

export function pipelineNotFound(): PipelineError {
  return new PipelineError(PipelineErrorCode.PIPELINE_NOT_FOUND, 'No such pipeline in this organization.');
}
