export * from './deployment-spec';
export * from './deployment-spec.errors';
export * from './spec-limits';
export * from './catalog/catalog.types';
export { catalogFor, findNodeSize, findRegion } from './catalog/catalog';
export {
  STRIMZI_VERSION,
  compareKafkaVersions,
  defaultKafkaVersion,
  kafkaMetadataVersion,
  supportedKafkaVersions,
} from './catalog/kafka-versions';
export { parseDeploymentSpec } from './validate';
export { specChangeProblems, validateSpecChange } from './spec-change';
export { defaultSpec } from './default-spec';
export * from './cost';
