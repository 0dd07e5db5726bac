/**
 * Placeholder until the sampler lands (issue #3): answers "do not record" for every contact,
 * which is the fail-closed default the whisper flow also applies on error.
 */
export const handler = async (): Promise<Record<string, string>> => ({ record: 'false', reason: 'error' });
