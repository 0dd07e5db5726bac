/**
 * Link checking for README.md and docs/: every link must resolve to a file (and heading) of this repository.
 * The docs ship with the code, so a reader with a clone — or an archive of it — can follow every link;
 * nothing may point outside (no web pages, nothing beside the checkout such as the shared seed folder).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface Link {
  /** 1-based line. */
  readonly line: number;
  readonly target: string;
}

export interface LinkProblem {
  /** File relative to the root. */
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

/** README.md and every Markdown file under docs/, relative to `root`, sorted. */
export function documentationFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk('docs');
  return ['README.md', ...found.sort()];
}

/** The lines of `markdown` with fenced code blocks blanked and (unless kept) inline code spans removed. */
function proseLines(markdown: string, keepCodeSpans = false): string[] {
  let fence: string | undefined;
  return markdown.split(/\r?\n/).map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return keepCodeSpans ? line : line.replace(/(`+)[^`]*?\1/g, '');
  });
}

/** Inline links and images `[text](target)`, reference definitions `[x]: target`, and autolinks `<scheme:…>`. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  proseLines(markdown).forEach((line, i) => {
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ line: i + 1, target: m[1]! });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (def) links.push({ line: i + 1, target: def[1]! });
    for (const m of line.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]+)>/gi))
      links.push({ line: i + 1, target: m[1]! });
    for (const m of line.matchAll(/(?<![(<\w])(https?:\/\/[^\s)>]+)/g))
      links.push({ line: i + 1, target: m[1]! });
  });
  // A reference definition's URL is also a bare URL: report each link once.
  return links.filter((l, i) => links.findIndex((o) => o.line === l.line && o.target === l.target) === i);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, `-1`, `-2` … for repeats. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  // A heading's code span is part of its anchor text.
  for (const line of proseLines(markdown, true)) {
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const slug = h[1]!
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** Every problem of the links in `files` (relative to `root`). */
export function checkLinks(root: string, files: readonly string[] = documentationFiles(root)): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const rootAbs = resolve(root);
  const anchorsCache = new Map<string, Set<string>>();
  const anchorsOf = (abs: string) => {
    const cached = anchorsCache.get(abs);
    if (cached) return cached;
    const anchors = headingAnchors(readFileSync(abs, 'utf8'));
    anchorsCache.set(abs, anchors);
    return anchors;
  };
  for (const file of files) {
    const abs = join(rootAbs, file);
    const markdown = readFileSync(abs, 'utf8');
    const problem = (link: Link, text: string) =>
      problems.push({ file, line: link.line, target: link.target, problem: text });
    // The session's shared folder (the seed opinion) is outside the repository even when named in text;
    // `../shared/` alone is not flagged, since `lambda/<fn>/` → `lambda/shared/` is a path inside it.
    for (const [i, line] of markdown.split(/\r?\n/).entries())
      for (const m of line.matchAll(/(?:\.\.\/)+shared\/seed\b|\/work\/shared\b/g))
        problem({ line: i + 1, target: m[0] }, 'refers to the shared folder outside the repository');
    for (const link of linksOf(markdown)) {
      const { target } = link;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) {
        problem(link, 'links outside the repository');
        continue;
      }
      if (target.startsWith('/')) {
        problem(link, 'absolute path: link relative to the file instead');
        continue;
      }
      const [pathPart = '', anchor] = target.split('#', 2);
      let path: string;
      try {
        path = decodeURIComponent(pathPart);
      } catch {
        problem(link, 'malformed percent-encoding');
        continue;
      }
      const resolved = path === '' ? abs : resolve(dirname(abs), path);
      const inside = relative(rootAbs, resolved);
      if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
        problem(link, 'points outside the repository');
        continue;
      }
      if (!existsSync(resolved)) {
        problem(link, `no such file: ${inside.split(sep).join('/')}`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
        problem(link, 'an anchor into something that is not a Markdown file');
        continue;
      }
      if (!anchorsOf(resolved).has(decodeURIComponent(anchor)))
        problem(link, `no heading #${anchor} in ${inside.split(sep).join('/')}`);
    }
  }
  // In the order of `files`, then by line.
  return problems.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line);
}

/** Markdown files under docs/ that no chain of links from README.md reaches (orphans nobody can find). */
export function unreachableDocs(root: string, files: readonly string[] = documentationFiles(root)): string[] {
  const rootAbs = resolve(root);
  const known = new Set(files);
  const reached = new Set<string>(['README.md']);
  const queue = ['README.md'];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const dir = dirname(join(rootAbs, file));
    for (const { target } of linksOf(readFileSync(join(rootAbs, file), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
      const path = target.split('#', 1)[0]!;
      if (path === '') continue;
      const linked = relative(rootAbs, resolve(dir, decodeURI(path)))
        .split(sep)
        .join('/');
      if (known.has(linked) && !reached.has(linked)) {
        reached.add(linked);
        queue.push(linked);
      }
    }
  }
  return files.filter((f) => !reached.has(f));
}
