// esbuild settings shared by every app's `build` target (@nx/esbuild, see docs/adr/0009).
//
// esbuild strips TypeScript types but does not emit `design:paramtypes` decorator metadata,
// and Nest resolves constructor dependencies by those types. So every .ts file is compiled by
// SWC first, with the same options as the Jest preset and scripts/run-ts.cjs (legacy decorators
// plus metadata), and esbuild only bundles the result. Class names are kept: TypeORM reads a
// migration's name from its class, and logs and errors name classes.
const { transformFile } = require('@swc/core');

/** @type {import('esbuild').Plugin} */
const swcDecoratorMetadata = {
  name: 'wxop-swc-decorator-metadata',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const { code, map } = await transformFile(args.path, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        // ES modules, so esbuild sees the imports it has to bundle and drops the type-only ones.
        module: { type: 'es6' },
        sourceMaps: true,
        inlineSourcesContent: false,
      });
      const inline = map
        ? `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`
        : '';
      return { contents: code + inline, loader: 'js' };
    });
  },
};

module.exports = {
  keepNames: true,
  plugins: [swcDecoratorMetadata],
};
