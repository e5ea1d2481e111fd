/**
 * Which folder of src/ may import which: data flows one way, from the base
 * up to the command line. `npm test` runs this (tests/architecture.test.ts),
 * so an upward import fails CI. Each folder's line is its whole allowance;
 * the base (format, numeric, registry, errors, version, io) imports nothing of ours.
 */
const BASE = '^src/(format/|numeric/|registry/|errors\\.ts|version\\.ts|io\\.ts)';
const allowed = {
  format: [],
  numeric: [],
  objective: [],
  config: ['objective', 'numeric'],
  plan: ['config', 'numeric'],
  engine: ['config', 'objective', 'numeric'],
  pool: ['engine', 'plan', 'config', 'objective'],
  results: ['engine', 'plan', 'config', 'objective'],
  analysis: ['results', 'engine', 'config', 'objective'],
  report: ['analysis', 'results', 'engine', 'plan', 'config', 'objective'],
};

const folderRules = Object.entries(allowed).map(([folder, may]) => ({
  name: `${folder}-imports`,
  comment: `src/${folder}/ may import only ${may.length ? may.join(', ') + ' and ' : ''}the base`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: {
    path: '^src/',
    pathNot: [BASE, `^src/${folder}/`, ...may.map((m) => `^src/${m}/`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a cycle means two modules are one concept, or one of them is in the wrong place',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'base-imports-nothing',
      comment: 'the base is imported by everyone, so it imports no other part of gdsweep',
      severity: 'error',
      from: { path: BASE },
      to: { path: '^src/', pathNot: BASE },
    },
    {
      name: 'commands-are-not-imported',
      comment: 'only the command line wires commands; the core never calls back up into them',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli\\.ts|bin\\.ts|index\\.ts|commands/)' },
      to: { path: '^src/(commands/|cli\\.ts)' },
    },
    ...folderRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
