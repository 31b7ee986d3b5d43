// The error of an invalid environment: a leaf module, so the CLI can recognise it without loading
// the configuration schema (and zod) before a command runs.
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
