// The one list of test projects. Each entry is a folder with its own vitest.config.ts.
export default ['packages/*', 'apps/*', 'examples/*', 'docs', 'test']
