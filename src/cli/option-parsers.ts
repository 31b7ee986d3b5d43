// Command-line values checked where they are parsed, so a bad one is refused before any work starts
// (a typo in `--words` once reached the API as `null`).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

/** A commander option parser: a whole number of at least 1. */
export const positiveInteger = (name: string) => (value: string) => {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new AppError('validation_error', `${name} takes a whole number greater than 0 (got "${value}")`);
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
