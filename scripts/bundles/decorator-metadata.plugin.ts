import { transform, type Options } from '@swc/core';
import type { Plugin } from 'esbuild';
import { promises as fs } from 'node:fs';

/**
 * esbuild compiles TypeScript decorators but does not emit `design:paramtypes` metadata
 * (emitDecoratorMetadata), which NestJS dependency injection and @nestjs/graphql's type inference read.
 * So our own .ts files go through SWC first — with the options @swc-node/register derives from
 * tsconfig.base.json, i.e. the same transform the tests and `npm start` run — and esbuild bundles the result.
 * SWC keeps `import`/`export`, so esbuild still resolves the path aliases and tree-shakes; the inline source
 * map chains into the bundle's map.
 */
const SWC_OPTIONS: Options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2023',
    keepClassNames: true,
    transform: {
      legacyDecorator: true,
      decoratorMetadata: true,
      // TypeScript's default for target ≥ ES2022, as in @swc-node/register.
      useDefineForClassFields: true,
    },
  },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

export function decoratorMetadataPlugin(): Plugin {
  return {
    name: 'streamplane-decorator-metadata',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes('/node_modules/') || args.path.endsWith('.d.ts')) return undefined;
        const source = await fs.readFile(args.path, 'utf8');
        try {
          const { code } = await transform(source, { ...SWC_OPTIONS, filename: args.path });
          return { contents: code, loader: 'js' };
        } catch (error) {
          // SWC's message is the code frame, followed by a native backtrace nobody needs.
          const text = String(error instanceof Error ? error.message : error).split('\n\nStack backtrace')[0];
          return { errors: [{ text }] };
        }
      });
    },
  };
}
