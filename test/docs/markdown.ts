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
