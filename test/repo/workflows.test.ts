/**
 * The GitHub workflows cannot run here, so their YAML is checked: CI runs `.ci/run` on every
 * supported Node.js major in a Debian container as root; a version tag runs the same tests, then
 * publishes both packages with provenance from a job of its own. The publish dry run of both
 * packages is part of `.ci/run`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  'runs-on'?: string;
  uses?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: boolean };
  container?: string | { image?: string; options?: string };
  steps?: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function readWorkflow(name: string): Workflow {
  return parse(readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;
}

function readJson(file: string): {
  name: string;
  engines?: { node?: string };
  scripts: Record<string, string>;
} {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as ReturnType<typeof readJson>;
}

/** The `run:` commands of a job, in order. */
function commands(job: Job | undefined): string[] {
  return (job?.steps ?? []).flatMap((step) => (step.run === undefined ? [] : [step.run.trim()]));
}

const root = readJson('package.json');
const emulatorName = readJson('emulator/package.json').name;

describe('the CI workflow (.github/workflows/ci.yml)', () => {
  const workflow = readWorkflow('ci.yml');

  it('runs on pushes to main, on pull requests, and when the release workflow calls it', () => {
    expect(workflow.on).to.have.all.keys(
      'push',
      'pull_request',
      'workflow_dispatch',
      'workflow_call',
    );
    expect(workflow.on['push']).to.deep.equal({ branches: ['main'] });
    expect(workflow.permissions).to.deep.equal({ contents: 'read' });
  });

  it('has one job, a matrix of Node 20, 22 and 24, the lowest being the engines floor', () => {
    expect(Object.keys(workflow.jobs)).to.deep.equal(['test']);
    const matrix = workflow.jobs['test']?.strategy?.matrix;
    expect(matrix).to.deep.equal({ node: [20, 22, 24] });
    const floor = /^>=(\d+)\./.exec(root.engines?.node ?? '')?.[1];
    expect(floor).to.equal('20');
    expect(Math.min(...((matrix?.['node'] as number[] | undefined) ?? []))).to.equal(Number(floor));
  });

  it("runs each job in the node:<major>-bookworm image as the image's user, root", () => {
    const job = workflow.jobs['test'];
    expect(job?.['runs-on']).to.equal('ubuntu-latest');
    const container = job?.container;
    const image = typeof container === 'string' ? container : container?.image;
    expect(image).to.equal('node:${{ matrix.node }}-bookworm');
    // No --user option: .ci/run needs root for apt-get.
    expect(typeof container === 'object' ? (container.options ?? '') : '').not.to.include('--user');
    expect(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).to.match(
      /apt-get install .*"\$\{need\[@\]\}"/,
    );
  });

  it('checks the repository out, trusts it for git, and runs bash .ci/run', () => {
    const steps = workflow.jobs['test']?.steps ?? [];
    expect(steps[0]?.uses).to.match(/^actions\/checkout@v\d+$/);
    expect(commands(workflow.jobs['test'])).to.deep.equal([
      'git config --global --add safe.directory "$GITHUB_WORKSPACE"',
      'bash .ci/run',
    ]);
  });
});

describe('the release workflow (.github/workflows/release.yml)', () => {
  const workflow = readWorkflow('release.yml');
  const publish = workflow.jobs['publish'];
  const runs = commands(publish);

  it('runs on version tags only', () => {
    expect(workflow.on).to.deep.equal({ push: { tags: ['v*'] } });
  });

  it('runs the tests as the CI workflow does, by calling it', () => {
    expect(workflow.jobs['test']?.uses).to.equal('./.github/workflows/ci.yml');
  });

  it('publishes in a separate job after the tests, the only one that may request an OIDC token', () => {
    expect(Object.keys(workflow.jobs)).to.deep.equal(['test', 'publish']);
    expect([publish?.needs].flat()).to.deep.equal(['test']);
    expect(publish?.permissions).to.deep.equal({ contents: 'read', 'id-token': 'write' });
    expect(workflow.permissions).to.deep.equal({ contents: 'read' });
  });

  it('installs, checks the tag against the versions, then runs npm publish --provenance for both packages', () => {
    expect(runs).to.include('npm ci --no-audit --no-fund');
    const check = runs.indexOf('node scripts/check-release.mjs "$GITHUB_REF_NAME"');
    const library = runs.indexOf('npm publish --provenance --access public');
    const emulator = runs.indexOf(
      `npm publish --provenance --access public --workspace ${emulatorName}`,
    );
    expect(runs.indexOf('npm ci --no-audit --no-fund')).to.be.below(check);
    expect(check).to.be.above(-1).and.below(library);
    expect(library).to.be.above(-1).and.below(emulator);
    expect(runs.filter((run) => run.startsWith('npm publish'))).to.have.length(2);
    expect(runs.join('\n')).not.to.match(/--dry-run|--force/);
  });

  it('publishes to the npm registry with provenance (setup-node registry-url)', () => {
    const setup = (publish?.steps ?? []).find((step) =>
      step.uses?.startsWith('actions/setup-node@'),
    );
    expect(setup?.with?.['registry-url']).to.equal('https://registry.npmjs.org');
  });
});

describe('the publish dry run in .ci/run', () => {
  it('runs npm publish --dry-run for both packages, after the release check', () => {
    const script = root.scripts['check:publish'] ?? '';
    expect(script.split(' && ')).to.deep.equal([
      'node scripts/check-release.mjs',
      'npm publish --dry-run --force',
      `npm publish --dry-run --force --workspace ${emulatorName}`,
    ]);
    expect(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).to.match(
      /^npm run check:publish$/m,
    );
  });
});
