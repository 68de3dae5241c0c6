import Ajv from 'ajv';
import type { PipelineSpec } from '../spec/pipeline-spec';

/** One ajv for checking that schemas compile; nothing is validated against them here (the runner does). */
const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });

/** The option names that hold a JSON Schema, per kind. */
const SCHEMA_OPTIONS: Partial<Record<string, readonly string[]>> = {
  'transform.validate': ['schema'],
  'transform.custom': ['inputSchema', 'outputSchema'],
};

/** Every JSON Schema of the spec that does not compile: its field and ajv's reason. */
export function jsonSchemaProblems(spec: PipelineSpec): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  spec.stages.forEach((stage, index) => {
    for (const option of SCHEMA_OPTIONS[stage.kind] ?? []) {
      const field = `stages.${index}.options.${option}`;
      try {
        ajv.compile(stage.options[option] as object);
      } catch (error) {
        problems.push({
          field,
          message: `is not a valid JSON Schema: ${(error as Error).message}`.slice(0, 500),
        });
      } finally {
        // Schemas with an $id stay in ajv's cache otherwise; every check stands alone.
        const id = (stage.options[option] as { $id?: unknown } | undefined)?.$id;
        if (typeof id === 'string') ajv.removeSchema(id);
      }
    }
  });
  return problems;
}
