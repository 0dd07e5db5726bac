/**
 * Reads the stacks of a cloud assembly (`cdk.out`): every artifact of type `aws:cloudformation:stack` of
 * manifest.json (nested assemblies of stages included), with its environment, template and metadata.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type AssemblyMetadata, type CfnTemplate, isRecord, StackView } from './template';

export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

interface Artifact {
  readonly type?: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: Record<string, unknown>;
  readonly metadata?: AssemblyMetadata;
  readonly additionalMetadataFile?: string;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AssemblyError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** `aws://111111111111/eu-central-1` → account and region (`unknown-…` for environment-agnostic stacks). */
export function parseEnvironment(env: string | undefined): { account: string; region: string } {
  const m = /^aws:\/\/([^/]+)\/(.+)$/.exec(env ?? '');
  return { account: m?.[1] ?? 'unknown-account', region: m?.[2] ?? 'unknown-region' };
}

/** Every stack of the assembly in `dir`. Throws AssemblyError when there is no manifest or no stack. */
export function loadAssembly(dir: string): StackView[] {
  const stacks = readStacks(resolve(dir), 0);
  if (stacks.length === 0) {
    throw new AssemblyError(`no CloudFormation stack in the cloud assembly ${resolve(dir)}`);
  }
  return stacks;
}

function readStacks(dir: string, depth: number): StackView[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new AssemblyError(
      `${manifestFile} not found: run \`npx cdk synth --quiet\` first (or pass --cdk-out)`,
    );
  }
  const manifest = readJson(manifestFile);
  const artifacts = isRecord(manifest) && isRecord(manifest.artifacts) ? manifest.artifacts : {};
  const stacks: StackView[] = [];
  for (const [id, raw] of Object.entries(artifacts)) {
    const a = raw as Artifact;
    if (a.type === 'cdk:cloud-assembly' && depth < 5) {
      const sub = a.properties?.directoryName;
      if (typeof sub === 'string') stacks.push(...readStacks(join(dir, sub), depth + 1));
      continue;
    }
    if (a.type !== 'aws:cloudformation:stack') continue;
    const templateFile = a.properties?.templateFile;
    if (typeof templateFile !== 'string')
      throw new AssemblyError(`stack ${id} of ${manifestFile} has no templateFile`);
    const path = join(dir, templateFile);
    if (!existsSync(path)) throw new AssemblyError(`template ${path} of stack ${id} not found`);
    const text = readFileSync(path, 'utf8');
    let template: CfnTemplate;
    try {
      template = JSON.parse(text) as CfnTemplate;
    } catch (err) {
      throw new AssemblyError(`template ${path} is not JSON: ${(err as Error).message}`);
    }
    const metadata: AssemblyMetadata = {
      ...(a.metadata ?? {}),
      ...(a.additionalMetadataFile && existsSync(join(dir, a.additionalMetadataFile))
        ? (readJson(join(dir, a.additionalMetadataFile)) as AssemblyMetadata)
        : {}),
    };
    const stackName = typeof a.properties?.stackName === 'string' ? a.properties.stackName : id;
    stacks.push(
      new StackView({
        name: stackName,
        ...parseEnvironment(a.environment),
        template,
        templateFile: path,
        metadata,
        templateSha256: createHash('sha256').update(text).digest('hex'),
      }),
    );
  }
  return stacks;
}
