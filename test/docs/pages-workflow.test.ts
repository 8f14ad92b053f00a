/**
 * The GitHub Pages workflow publishes what `npm run docs` builds, and the README links to where it
 * is published.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from './markdown.js';

const PAGES_URL = 'https://passport-microsoft-account.github.io/passport-microsoft-account/';

describe('the API reference on GitHub Pages', () => {
  const workflow = readFileSync(path.join(ROOT, '.github', 'workflows', 'pages.yml'), 'utf8');
  const typedoc = JSON.parse(readFileSync(path.join(ROOT, 'typedoc.json'), 'utf8')) as {
    out?: unknown;
  };
  const scripts = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;

  it('is built with npm ci and npm run docs, which runs TypeDoc', () => {
    expect(workflow).to.match(/^\s+- run: npm ci\b/m);
    expect(workflow).to.match(/^\s+- run: npm run docs$/m);
    expect(scripts['docs']).to.equal('typedoc');
  });

  it("uploads TypeDoc's output folder and deploys it", () => {
    expect(typedoc.out).to.be.a('string');
    const uploaded = /upload-pages-artifact@\S+\n\s+with:\n\s+path: (\S+)/.exec(workflow)?.[1];
    expect(path.normalize(uploaded ?? '')).to.equal(path.normalize(String(typedoc.out)));
    expect(workflow).to.include('actions/deploy-pages@');
  });

  it('is linked from the README', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).to.include(PAGES_URL);
  });
});
