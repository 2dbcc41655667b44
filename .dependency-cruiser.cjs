/**
 * The layer rule of recscore (README "Layout of the repository"): a module imports only its own layer or
 * lower ones, and nothing imports in a cycle. `npm run lint:deps` checks it; `npm test` runs it first.
 *
 *   cli → server → control → pipeline → resilience → dispatch → recommend → kernel → model (+ profile) → base
 *
 * base = src/errors.ts, src/log.ts, src/config/, src/metrics/, src/types/ (importable by every layer).
 * model = src/model/ (source, decode, kinds, lifecycle, synth), and src/profile/ and src/events/ (data
 * sources and sinks beside it; profile and model do not import each other). control = src/control/: the
 * registry's training jobs (they train, pack and evaluate, so they sit above recommend). Type-only imports count: a type is a dependency too.
 */
const LAYERS = [
  ['base', '^src/(errors|log|deadline|seeded-random|test-knobs)\\.ts$|^src/(config|metrics|types)/'],
  ['model', '^src/(model|profile|events)/'],
  ['kernel', '^src/kernel/'],
  ['recommend', '^src/recommend/'],
  ['dispatch', '^src/dispatch/'],
  ['resilience', '^src/resilience/'],
  ['pipeline', '^src/pipeline/'],
  ['control', '^src/control/'],
  ['server', '^src/server/'],
  ['cli', '^src/cli/'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} imports only its own or lower layers, not ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|') },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'layer-unassigned',
      comment: 'every module under src/ belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
    {
      name: 'profile-model-apart',
      comment: 'profiles and models are separate data sources at the same level',
      severity: 'error',
      from: { path: '^src/profile/' },
      to: { path: '^src/model/' },
    },
    {
      name: 'model-apart-from-profile',
      comment: 'profiles and models are separate data sources at the same level',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/profile/' },
    },
    {
      name: 'model-stages',
      comment: 'kinds, decoding and sources are below the lifecycle (registry, reloader, loader thread, bundles)',
      severity: 'error',
      from: { path: '^src/model/(kind\\.ts|kinds/|decode/|source/|synth/)' },
      to: { path: '^src/model/lifecycle/' },
    },
    {
      name: 'decode-kind-neutral',
      comment: 'src/model/decode/ holds helpers every kind may use; a kind\'s own decoding lives in its kinds/ folder',
      severity: 'error',
      from: { path: '^src/model/decode/' },
      to: { path: '^src/model/kinds/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles (type-only ones included)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve would hide a dependency from these rules',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|build|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
