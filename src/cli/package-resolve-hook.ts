// Start-up: a module resolve hook that skips Node's package.json work where its answer is known.
//
// drizzle-orm ships a 134 KB package.json with ~450 export entries, and the server loads a few
// hundred of its files. For every one of those imports Node's resolver finds and deserialises that
// package.json again (to check the exports map, then to learn the file's module type), which cost
// ~1.3 s of CPU per `serve` start here (bench/startup.ts, bench/RESULTS.md). Inside the package the
// answer needs no package.json: drizzle's files import each other by relative `.js` paths, and the
// package is `"type": "module"`. From our own files, each bare `drizzle-orm/…` specifier resolves
// to the same file every time, so the first answer is kept.
//
// Anything else goes to Node's resolver untouched.
import { type ResolveFnOutput, registerHooks } from 'node:module';

const packageName = 'drizzle-orm';
const packageMarker = `/node_modules/${packageName}/`;

/** True when Node would answer `specifier` from `parentURL` without any package.json lookup but the type. */
function isRelativeImportInsidePackage(specifier: string, parentURL: string | undefined): boolean {
  return (
    parentURL?.includes(packageMarker) === true &&
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js')
  );
}

let installed = false;

/** Installs the hook once per process; the CLI calls it before importing the server. */
export function installPackageResolveHook(): void {
  if (installed) return;
  installed = true;
  const bareAnswers = new Map<string, ResolveFnOutput>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (isRelativeImportInsidePackage(specifier, context.parentURL)) {
        const url = new URL(specifier, context.parentURL).href;
        // Still inside the package (a `../` cannot climb out of it in drizzle's tree, but check).
        if (url.includes(packageMarker)) return { url, format: 'module', shortCircuit: true };
      }
      const fromOwnCode = context.parentURL !== undefined && !context.parentURL.includes('/node_modules/');
      if (!fromOwnCode || !(specifier === packageName || specifier.startsWith(`${packageName}/`))) {
        return nextResolve(specifier, context);
      }
      // The conditions decide which file an exports entry points at (import vs require).
      const key = `${specifier}\0${context.conditions.join(',')}`;
      const known = bareAnswers.get(key);
      if (known) return { ...known, shortCircuit: true };
      const answer = nextResolve(specifier, context);
      bareAnswers.set(key, answer);
      return answer;
    },
  });
}
