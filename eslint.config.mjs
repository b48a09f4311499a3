// ESLint flat config: typescript-eslint recommended rules, Prettier owns formatting.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'build/', 'test-artifacts/', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The architecture's one edge: only src/app may import the bot frameworks.
    files: ['src/**/*.ts'],
    ignores: ['src/app/**', 'src/server.ts', 'src/cli/**', 'src/compose.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai'],
              message: 'Only src/app/ may import botbuilder or teams-ai.',
            },
          ],
        },
      ],
    },
  },
);
