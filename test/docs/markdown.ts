/**
 * Reading the documentation's Markdown: which files there are, their fenced code blocks, the
 * README's complete example, and their headings and links.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The Markdown files whose code blocks and links the tests check, relative to the root: the
 * README, the guides in docs/ (docs/api/ is generated) and the sample app's README.
 */
export function documentationFiles(): string[] {
  const guides = readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...guides, 'example/README.md'];
}

/** One fenced TypeScript or JavaScript block of a Markdown file. */
export interface CodeBlock {
  language: 'ts' | 'js';
  /** The heading the block sits under, numbered when a heading has several blocks. */
  title: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

const LANGUAGES: Readonly<Record<string, 'ts' | 'js'>> = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
};

/** The marker comment the README's complete example follows. */
export const EXAMPLE_MARKER = '<!-- readme-example';

/** The ```ts/```typescript/```js/```javascript blocks of a Markdown text, in order. */
export function extractBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '(top)';
  const perHeading = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const headingMatch = /^#{1,6}\s+(.*)$/.exec(line);
    if (headingMatch?.[1] !== undefined) {
      heading = headingMatch[1].trim();
      continue;
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence) continue;
    const indent = fence[1] ?? '';
    const marker = fence[2] ?? '```';
    const language = LANGUAGES[(fence[3] ?? '').toLowerCase()];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const current = lines[i] ?? '';
      if (current.trim().startsWith(marker) && current.trim().replace(/[`~]/g, '') === '') break;
      body.push(current.startsWith(indent) ? current.slice(indent.length) : current);
    }
    if (language === undefined) continue;
    const count = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, count);
    blocks.push({ language, title: heading, line: start + 1, code: `${body.join('\n')}\n` });
  }
  // Number the blocks of headings that have more than one.
  const seen = new Map<string, number>();
  return blocks.map((block) => {
    if ((perHeading.get(block.title) ?? 0) < 2) return block;
    const n = (seen.get(block.title) ?? 0) + 1;
    seen.set(block.title, n);
    return { ...block, title: `${block.title} (#${n})` };
  });
}

/** The README's complete example: the first ```ts block after the {@link EXAMPLE_MARKER} comment. */
export function readmeExample(markdown: string): CodeBlock {
  const markerLine = markdown.split('\n').findIndex((line) => line.startsWith(EXAMPLE_MARKER));
  if (markerLine < 0) throw new Error(`README.md has no "${EXAMPLE_MARKER}" comment`);
  const block = extractBlocks(markdown).find((b) => b.line > markerLine + 1 && b.language === 'ts');
  if (block === undefined) throw new Error(`README.md has no ts block after "${EXAMPLE_MARKER}"`);
  return block;
}

/** GitHub's anchors for the headings of a Markdown text (code blocks ignored). */
export function headingAnchors(markdown: string): Set<string> {
  const text = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) =>
      (m[1] ?? '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

/** The targets of the Markdown links `[text](target)` outside code blocks. */
export function linkTargets(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
}

/**
 * The first line of a runnable example names its file and how to run it, e.g.
 * `// app.ts: run with \`npx tsx app.ts\`, then open http://localhost:3000` (a web app, signed into
 * in a browser) or `// client.ts: run with \`npx tsx client.ts\`; it prints \`signed in: Adele\``
 * (a program run to its end, whose output is checked).
 */
const RUNNABLE_HEADER = /^\/\/ ([\w.-]+\.(?:ts|mts|cts|js|mjs|cjs)): run with `([^`]+)`(.*)$/;

/** A complete program in the documentation: a file of its own, an install line, a run command. */
export interface RunnableExample extends CodeBlock {
  /** The Markdown file, relative to the root. */
  source: string;
  /** The file name the example is saved under. */
  file: string;
  /** The command that runs it, as the reader types it (`npx tsx app.ts`, `node app.js`). */
  command: string;
  /** A web app on http://localhost:3000 (PORT moves it) that a browser signs in through. */
  web: boolean;
  /** What a program that runs to its end prints (`it prints \`...\`` in the header). */
  prints: string | undefined;
  /** The packages the section's `npm install` lines name (tarballs by their package name). */
  installs: string[];
  /** The section's `tsconfig.json` (a ```json block introduced by a line ending in it). */
  tsconfig: string | undefined;
}

/** The Markdown files whose complete programs are run: the documentation and the emulator's README. */
export function runnableExampleFiles(): string[] {
  return [...documentationFiles(), 'emulator/README.md'];
}

/** Whether a block is a complete program (it starts a server or defines tests) by its content. */
export function looksRunnable(code: string): boolean {
  const statements = code.replace(/(^|\s)\/\/.*$/gm, '$1'); // a `// app.listen(…)` hint is not one
  return /\.listen\(/.test(statements) || /^(?:it|test)\(/m.test(statements);
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/'))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages a program imports or requires at run time (type-only imports left out). */
export function importedPackages(code: string): string[] {
  code = code.replace(/^import type [^;]*;/gm, ''); // types come from @types/ packages
  const specifiers = [
    ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
  const names = specifiers.map(packageOf).filter((name): name is string => name !== undefined);
  return [...new Set(names)].sort();
}

/** The package names of `npm install` lines (flags skipped, versions and tarball suffixes cut). */
export function installedPackages(shell: string): string[] {
  const names: string[] = [];
  for (const line of shell.split('\n')) {
    const command = /^\s*npm (?:install|i|add)\s+(.*?)(?:\s+#.*)?$/.exec(line);
    if (!command?.[1]) continue;
    for (const word of command[1].split(/\s+/)) {
      if (word === '' || word.startsWith('-')) continue;
      const tarball = /(?:^|\/)((?:@[\w.-]+\/)?[a-z][\w.-]*?)-\d+\.\d+\.\d+[\w.-]*\.tgz$/.exec(
        word,
      );
      if (tarball?.[1]) names.push(tarball[1]);
      else if (word.startsWith('@')) names.push(word.replace(/^(@[^/]+\/[^@]+)@.*$/, '$1'));
      else names.push(word.replace(/@.*$/, ''));
    }
  }
  return names;
}

/** Whether each line is a heading (lines inside fenced code never are: `# comment` in sh). */
export function headingLines(lines: readonly string[]): boolean[] {
  let fence: string | undefined;
  return lines.map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (line.trim() === fence) fence = undefined;
      return false;
    }
    return fence === undefined && /^#{1,6}\s/.test(line);
  });
}

/** The bounds [start, end) of the section (the lines between two headings) around line `index`. */
function sectionAround(lines: readonly string[], index: number): [number, number] {
  const heading = headingLines(lines);
  let start = index;
  while (start > 0 && !heading[start - 1]) start--;
  let end = index;
  while (end < lines.length && !heading[end]) end++;
  return [start, end];
}

/** The fenced blocks of a language in some lines, with the line before each (its introduction). */
function fencedIn(lines: readonly string[], language: string): { intro: string; body: string }[] {
  const found: { intro: string; body: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] ?? '').trim() !== `\`\`\`${language}`) continue;
    let intro = '';
    for (let j = i - 1; j >= 0 && intro === ''; j--) intro = (lines[j] ?? '').trim();
    const body: string[] = [];
    for (i++; i < lines.length && (lines[i] ?? '').trim() !== '```'; i++) body.push(lines[i] ?? '');
    found.push({ intro, body: `${body.join('\n')}\n` });
  }
  return found;
}

/** The runnable examples of one Markdown text: the blocks whose first line is a run header. */
export function runnableExamplesIn(source: string, markdown: string): RunnableExample[] {
  const lines = markdown.split('\n');
  return extractBlocks(markdown).flatMap((block) => {
    const header = RUNNABLE_HEADER.exec(block.code.split('\n')[0] ?? '');
    if (!header) return [];
    const [start, end] = sectionAround(lines, block.line - 1);
    const section = lines.slice(start, end);
    // The install lines may be in the next section ("Start from an empty folder").
    const [, nextEnd] = sectionAround(lines, Math.min(end + 1, lines.length - 1));
    const shell = fencedIn(lines.slice(start, nextEnd), 'sh').map((b) => b.body);
    const tsconfig = fencedIn(section, 'json').find((b) => /`tsconfig\.json`:?$/.test(b.intro));
    const rest = header[3] ?? '';
    return [
      {
        ...block,
        source,
        file: header[1] ?? '',
        command: header[2] ?? '',
        web: /then open http:\/\/localhost:3000/.test(rest),
        prints: /it prints `([^`]*)`/.exec(rest)?.[1],
        installs: shell.flatMap(installedPackages),
        tsconfig: tsconfig?.body,
      },
    ];
  });
}
