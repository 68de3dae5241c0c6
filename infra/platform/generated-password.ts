import * as pulumi from '@pulumi/pulumi';

/**
 * A random password generated once, when the resource is created, and kept (encrypted, as a secret) in the
 * stack's state, so later runs reuse it and a Helm release that consumes it does not change on every `up`.
 *
 * Why a dynamic provider: `@pulumi/random` is not a dependency of this project, deriving the password from
 * another secret (the agent token) would let anyone holding that token log in to Grafana, and generating it on
 * every run would roll Grafana each time. The provider below is self-contained (no imports, only the Web
 * Crypto global) because Pulumi serializes its source into the state and runs it in a separate process.
 */
const passwordProvider: pulumi.dynamic.ResourceProvider = {
  create(inputs: { length: number }) {
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet size).
    const limit = 256 - (256 % alphabet.length);
    let value = '';
    while (value.length < inputs.length) {
      for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(inputs.length * 2))) {
        if (byte < limit && value.length < inputs.length) value += alphabet[byte % alphabet.length];
      }
    }
    return Promise.resolve({ id: `password-${inputs.length}`, outs: { length: inputs.length, value } });
  },
  diff(_id: pulumi.ID, olds: { length: number }, news: { length: number }) {
    // Only a change of length replaces the password; nothing else about it is ever updated in place.
    const replace = olds.length !== news.length;
    return Promise.resolve({
      changes: replace,
      replaces: replace ? ['length'] : [],
      deleteBeforeReplace: false,
    });
  },
};

export interface GeneratedPasswordArgs {
  /** Number of characters (alphabet of 57 unambiguous letters and digits: ~5.8 bits each). */
  length: number;
}

export class GeneratedPassword extends pulumi.dynamic.Resource {
  /** The password; a secret output (never shown in plain text in the state or the CLI). */
  declare public readonly value: pulumi.Output<string>;

  constructor(name: string, args: GeneratedPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      passwordProvider,
      name,
      { length: args.length, value: undefined },
      { ...opts, additionalSecretOutputs: ['value'] },
      'streamplane',
      'GeneratedPassword',
    );
  }
}
