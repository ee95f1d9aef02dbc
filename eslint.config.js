import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Dependencies point down: a service folder imports another only through services/platform/,
// schemas/ and services/webhooks/. The console, the layer above, may also use the reporter's and the
// detector's public entries; services/cli/ and services/runtime/ compose everything and are not
// bounded. An allowed entry `other/file.js` opens that one file, `other/folder/` that folder.
// scripts/import-cycles.test.ts keeps these files free of cycles. The typescript-eslint rule, so that
// a plain no-restricted-imports elsewhere (such as the one for kafkajs) does not replace these.
const SERVICE_FOLDERS = [
  'cli',
  'collector',
  'console',
  'detector',
  'exporter',
  'integrity',
  'normalizer',
  'platform',
  'reporter',
  'runtime',
  'simulator',
  'webhooks',
]
const SHARED = ['platform', 'webhooks']
/** @type {Record<string, string[]>} */
const MAY_IMPORT = {
  platform: [],
  webhooks: ['platform'],
  collector: SHARED,
  normalizer: SHARED,
  detector: SHARED,
  exporter: SHARED,
  // Seals and their verification: the normalizer's runtime wiring starts the sealer; the console
  // and the reporter verify through its public entry.
  integrity: ['platform'],
  reporter: [...SHARED, 'integrity/index.js'],
  console: [...SHARED, 'reporter/index.js', 'detector/index.js', 'integrity/index.js'],
  // A tool that feeds the collector over HTTP: it shares the wire formats, not the collector's code.
  simulator: ['platform'],
}

/** @param {string} text */
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * @param {string} folder
 * @param {string[]} allowed
 * @param {string[]} [files]
 */
function importBoundary(folder, allowed, files = [`services/${folder}/**/*.ts`]) {
  const patterns = SERVICE_FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map(
    (other) => {
      const open = allowed
        .filter((entry) => entry.startsWith(`${other}/`))
        .map((entry) => entry.slice(other.length + 1))
        .map((rest) => `(?!${escapeRegex(rest)}${rest.endsWith('/') ? '' : '$'})`)
      return {
        regex: `^(\\.\\./)+${other}(/${open.join('')}|$)`,
        message: `services/${folder}/ may import only ${[...allowed, 'schemas/'].join(', ')} from outside its folder: move what both need into services/platform/ or schemas/.`,
      }
    },
  )
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } }
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The web console: plain browser ES modules served as they are, outside the TypeScript project.
    files: ['services/console/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: globals.browser,
      sourceType: 'module',
      parserOptions: { projectService: false, project: false },
    },
  },
  ...Object.entries(MAY_IMPORT).map(([folder, allowed]) => importBoundary(folder, allowed)),
  {
    files: ['schemas/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+services/',
              message: 'schemas/ is the bottom layer: it imports nothing from services/.',
            },
          ],
        },
      ],
    },
  },
  // Tests that check a stage against its real neighbour: the simulator's output against the
  // collector's request preparation, the rule pack against rows the collector and normalizer make.
  importBoundary('simulator', ['platform', 'collector/prepare.js'], ['services/simulator/**/*.test.ts']),
  {
    // The rule pack against rows the normalizer makes; user regexes against the redaction engine's
    // growth test (one way to prove linear time for every pattern that sees event content).
    files: ['services/detector/rules/pack.test.ts', 'services/detector/rules/linear-time.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // kafkajs stays behind services/platform/kafka/ (client, producer, consumer, topics), so every
    // producer and consumer is configured in one place and the client can be replaced there. The
    // local broker's readiness probe and the benchmarks' "kafkajs alone" ceilings use it directly.
    // ESLint's own rule here and typescript-eslint's in the folder boundaries above: two blocks
    // setting the same rule for a file would let the later one replace the earlier.
    files: ['**/*.ts', '**/*.js'],
    ignores: ['services/platform/kafka/**', 'services/platform/local-kafka.ts', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              message:
                'use services/platform/kafka/ (createKafka, createProducer, createConsumer, ensureTopics) so Kafka settings stay in one place',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
)
