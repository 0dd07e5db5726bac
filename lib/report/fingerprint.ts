/**
 * A template's identity that does not depend on the AWS account: the offline synth uses a
 * placeholder account, the deployed stack a real one, and the report must be about both.
 * Every 12-digit account id in a string becomes `<ACCOUNT>`; the region is kept, since the
 * policy pins it (C3) and a stack in another region is not the stack the report describes.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../lambda/core/canonical-json';

export const ACCOUNT_PLACEHOLDER = '<ACCOUNT>';
const ACCOUNT_ID = /(?<!\d)\d{12}(?!\d)/g;

/** The template with every account id replaced by ACCOUNT_PLACEHOLDER (a deep copy). */
export function withoutAccount(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ACCOUNT_ID, ACCOUNT_PLACEHOLDER);
  if (Array.isArray(value)) return value.map(withoutAccount);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(ACCOUNT_ID, ACCOUNT_PLACEHOLDER), withoutAccount(v)]),
    );
  }
  return value;
}

/** SHA-256 (hex) of the canonical JSON (RFC 8785) of the template without its account. */
export function templateFingerprint(template: unknown): string {
  return createHash('sha256')
    .update(canonicalize(withoutAccount(template)))
    .digest('hex');
}

/**
 * Where two templates differ once their accounts are set aside: JSON paths with both values,
 * at most `limit` of them (the count of all is returned too).
 */
export function templateDifferences(
  synthesized: unknown,
  deployed: unknown,
  limit = 20,
): { count: number; differences: string[] } {
  const differences: string[] = [];
  let count = 0;
  const show = (v: unknown) => {
    const text = v === undefined ? '(absent)' : JSON.stringify(v);
    return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  };
  const walk = (a: unknown, b: unknown, path: string): void => {
    const bothObjects =
      a !== null &&
      b !== null &&
      typeof a === 'object' &&
      typeof b === 'object' &&
      Array.isArray(a) === Array.isArray(b);
    if (bothObjects) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort()) {
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`);
      }
      return;
    }
    if (canonicalize(a ?? null) === canonicalize(b ?? null) && (a === undefined) === (b === undefined))
      return;
    count += 1;
    if (differences.length < limit)
      differences.push(`${path || '/'}: synthesized ${show(a)}, deployed ${show(b)}`);
  };
  walk(withoutAccount(synthesized), withoutAccount(deployed), '');
  return { count, differences };
}

/**
 * The template in a file written by `aws cloudformation get-template --stack-name S > FILE`
 * (`{ "TemplateBody": … }`, the body an object or a JSON string), or a bare template.
 */
export function deployedTemplateFrom(text: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${file} is not JSON (${(err as Error).message}); save the output of \`aws cloudformation get-template --stack-name STACK --output json\``,
    );
  }
  let body: unknown = parsed;
  if (body !== null && typeof body === 'object' && 'TemplateBody' in body) {
    body = (body as { TemplateBody: unknown }).TemplateBody;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        throw new Error(
          `${file}: the TemplateBody is not JSON (a YAML template was not deployed by fairlisten)`,
        );
      }
    }
  }
  if (body === null || typeof body !== 'object' || !('Resources' in body)) {
    throw new Error(`${file} holds no CloudFormation template (no Resources)`);
  }
  return body as Record<string, unknown>;
}
