// The layering of src/ as import-x/no-restricted-paths zones: a file imports only from its own layer
// or the layers below it, an engine is reached only through its port's index.ts, and engines do not
// import one another. test/ and bench/ are outside every zone.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** From the edges down. A path not listed here is off limits to every layer until it is placed. */
const layers = [
  ['src/main.ts', 'src/cli', 'src/lambda'],
  ['src/server'],
  ['src/features'],
  ['src/resolvers'],
  ['src/schema'],
  ['src/context.ts', 'src/app.ts'],
  ['src/services', 'src/auth'],
  ['src/jobs'],
  ['src/datasources'],
  ['src/config.ts', 'src/logger.ts', 'src/errors.ts'],
];

const relativeToSrc = (path) => `./${path.slice('src/'.length)}`;

function layerZones() {
  return layers.map((layer, rank) => ({
    target: layer,
    from: 'src',
    except: layers.slice(rank).flat().map(relativeToSrc),
    message: `${layer.join(', ')}: import only from this layer or the layers below it (eslint.layers.mjs).`,
  }));
}

/** Every src/datasources/<port>/<engine>/ folder. */
function engines(root) {
  const folders = (path) =>
    readdirSync(join(root, path), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return folders('src/datasources').flatMap((port) =>
    folders(`src/datasources/${port.name}`).map((engine) => ({
      port: port.name,
      path: `src/datasources/${port.name}/${engine.name}`,
    })),
  );
}

function engineZones(root) {
  const all = engines(root);
  return all.flatMap((engine) => {
    const others = all.filter((other) => other !== engine).map((other) => other.path);
    return [
      {
        target: [
          'src/*.ts',
          'src/!(datasources)/**/*.ts',
          'src/datasources/*/!(index).ts',
          `src/datasources/!(${engine.port})/index.ts`,
        ],
        from: engine.path,
        message: `Only src/datasources/${engine.port}/index.ts chooses an engine: import the port instead.`,
      },
      ...(others.length
        ? [{ target: engine.path, from: others, message: 'An engine does not import another engine.' }]
        : []),
    ];
  });
}

/** @param {string} root the repository root */
export function layeringZones(root) {
  return [...layerZones(), ...engineZones(root)];
}
