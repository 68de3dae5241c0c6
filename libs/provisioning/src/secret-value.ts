import { inspect } from 'node:util';

const REDACTED = '[secret]';

/**
 * A stack output the program marked secret (a kubeconfig). It keeps its value out of JSON, logs and string
 * conversion; only `reveal()` gives it back, so a secret can only leak through a line that asks for it.
 */
export class SecretValue<T = unknown> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `SecretValue(${REDACTED})`;
  }
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A stack output: a plain JSON value, or a secret one. */
export type StackOutputValue = JsonValue | SecretValue<JsonValue>;
export type StackOutputs = Record<string, StackOutputValue>;

/** What crosses a process boundary (IPC) or is written down: the value plus whether it is secret. */
export interface WireOutputValue {
  value: JsonValue;
  secret: boolean;
}

export function isSecretValue(value: unknown): value is SecretValue {
  return value instanceof SecretValue;
}

/** Outputs with every secret replaced by null: what may be stored beside a deployment or shown to a user. */
export function redactOutputs(outputs: StackOutputs): Record<string, JsonValue> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, value]) => [key, isSecretValue(value) ? null : value]),
  );
}

export function outputsFromWire(outputs: Record<string, WireOutputValue>): StackOutputs {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, { value, secret }]) => [key, secret ? new SecretValue(value) : value]),
  );
}
