import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '**/node_modules/**', '.test-artifacts/**', '.bench/**', '.demo/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'No default exports (STYLE.md).' },
        // Agent text reaches a person only through shown() (src/shared/shown.ts); a cast would skip its marks.
        { selector: "TSAsExpression[typeAnnotation.typeName.name='Shown'], TSTypeAssertion[typeAnnotation.typeName.name='Shown']", message: 'Make a Shown with shown() or sh`` from src/shared/shown.ts, never by a cast.' },
      ],
    },
  },
  {
    files: ['src/shared/shown.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports (STYLE.md).' }] },
  },
  {
    // The core decides and remembers; it must run without an editor (CLI, hooks, tests).
    // (Which layer may import which is checked by test/unit/architecture/boundaries.test.ts.)
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/agents/**/*.ts', 'src/engine/**/*.ts', 'src/gate/**/*.ts', 'src/cli/**/*.ts', 'src/cli.ts', 'src/main.ts', 'src/hook.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/ui and src/extension.ts may import vscode: everything else runs without an editor.' }] }],
    },
  },
  {
    // The extension logs through its LogOutputChannel, never the console.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
  },
);
