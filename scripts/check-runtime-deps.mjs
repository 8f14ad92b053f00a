// Fails unless the runtime dependency tree (`npm ls --omit=dev --all`) holds only passport-oauth2
// and its own dependencies, and no package in it has an install script. The workspace package
// microsoft-identity-emulator is left out (--workspaces=false): it is published on its own, with
// its own jose. The strategy verifies ID tokens with node:crypto; jose is a devDependency, the
// reference of the verifier's differential test (test/idtoken/jwt-differential.test.ts).
// Our own `prepare` (the build) is allowed: npm runs it only for git and folder installs, never when
// installing the published tarball from the registry.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const allowedTop = new Set(['passport-oauth2']);
const tree = JSON.parse(
  execFileSync('npm', ['ls', '--omit=dev', '--all', '--json', '--workspaces=false'], {
    encoding: 'utf8',
  }),
);
const top = Object.keys(tree.dependencies ?? {});
const unexpected = top.filter((name) => !allowedTop.has(name));
if (unexpected.length > 0 || top.length !== allowedTop.size) {
  console.error(
    `runtime dependencies must be exactly ${[...allowedTop].join(', ')}; found ${top.join(', ')}`,
  );
  process.exit(1);
}
const seen = new Set();
const withScripts = [];
(function walk(deps) {
  for (const [name, info] of Object.entries(deps ?? {})) {
    if (seen.has(name)) continue;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8'));
    const scripts = pkg.scripts ?? {};
    if (scripts.preinstall || scripts.install || scripts.postinstall) withScripts.push(name);
    walk(info.dependencies);
  }
})(tree.dependencies);
const own = JSON.parse(readFileSync('package.json', 'utf8')).scripts ?? {};
if (own.preinstall || own.install || own.postinstall)
  withScripts.push('passport-microsoft-account');
if (withScripts.length > 0) {
  console.error(`install scripts found in: ${withScripts.join(', ')}`);
  process.exit(1);
}
console.log(
  `runtime dependencies: ${[...seen].sort().join(', ')} (${seen.size} packages, no install scripts)`,
);
