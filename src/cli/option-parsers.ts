// Command-line values checked where they are parsed, so a bad one is refused before any work starts
// (a typo in `--words` once reached the API as `null`).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { modelIdProblem } from '../llm/model-id.ts';

/** A commander option parser: a whole number of at least 1. */
export const positiveInteger = (name: string) => (value: string) => {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new AppError('validation_error', `${name} takes a whole number greater than 0 (got "${value}")`);
  return n;
};

/** A commander option parser: a share from 0 to 1 ("0.8"). */
export const share = (name: string) => (value: string) => {
  const n = Number(value);
  if (!/^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(value) || !(n >= 0 && n <= 1))
    throw new AppError('validation_error', `${name} takes a share from 0 to 1, e.g. 0.8 (got "${value}")`);
  return n;
};

/** A commander option parser: a whole number of at least 0. */
export const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n))
    throw new AppError('validation_error', `${name} takes a whole number of 0 or more (got "${value}")`);
  return n;
};

const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/** Each path is a file this process can read. */
export function checkReadableFiles(option: string, files: string[]): void {
  for (const file of files) {
    let problem: string | undefined;
    try {
      if (!statSync(file).isFile()) problem = 'not a file';
      else accessSync(file, constants.R_OK);
    } catch (err) {
      problem = reason(err);
    }
    if (problem) throw new AppError('validation_error', `${option} ${file}: cannot be read (${problem})`);
  }
}

/** The file can be written: an existing writable file, or a new one in a writable folder. */
export function checkWritableFile(option: string, file: string): void {
  let problem: string | undefined;
  try {
    const existing = statSync(file, { throwIfNoEntry: false });
    if (existing?.isDirectory()) problem = 'a folder';
    else accessSync(existing ? file : path.dirname(path.resolve(file)), constants.W_OK);
  } catch (err) {
    problem = reason(err);
  }
  if (problem) throw new AppError('validation_error', `${option} ${file}: cannot be written (${problem})`);
}

/** The folder can hold new files: an existing writable folder, or one that can be made where it is named. */
export function checkWritableFolder(option: string, folder: string): void {
  let problem: string | undefined;
  try {
    let at = path.resolve(folder);
    let existing = statSync(at, { throwIfNoEntry: false });
    // The nearest existing folder on the way is where the missing ones would be made.
    while (!existing && path.dirname(at) !== at) {
      at = path.dirname(at);
      existing = statSync(at, { throwIfNoEntry: false });
    }
    if (existing && !existing.isDirectory())
      problem = at === path.resolve(folder) ? 'not a folder' : `${at} is not a folder`;
    else accessSync(at, constants.W_OK);
  } catch (err) {
    problem = reason(err);
  }
  if (problem) throw new AppError('validation_error', `${option} ${folder}: cannot be written (${problem})`);
}

/** A commander option parser: a `provider:model` name the configuration would accept. */
export const modelName = (name: string) => (value: string) => {
  const problem = modelIdProblem(value);
  if (problem) throw new AppError('validation_error', `${name} ${problem}`);
  return value;
};

/**
 * Options checked by the schema the API checks the same fields with, so the command line stores
 * nothing the API would refuse; each problem is named by its option (`flags`: field → option).
 */
export function checkOptions<S extends z.ZodType>(
  schema: S,
  values: Record<string, unknown>,
  flags: Record<string, string>,
): z.output<S> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    return { path: flags[field] ?? field, message: issue.message };
  });
  throw new AppError('validation_error', 'Invalid options', details);
}
