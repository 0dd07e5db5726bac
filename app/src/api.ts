/**
 * The fairlisten HTTP API as the app calls it: a bearer token on every call, JSON in and out,
 * errors as `ApiError` with the API's stable code. No DOM: `fetch` is injected.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

export interface ApiOptions {
  /** `https://…/` of the HTTP API, or `/api` locally. */
  readonly baseUrl: string;
  readonly token: () => Promise<string>;
  readonly fetch: Fetch;
}

export interface RecordingStatus {
  contactId: string;
  recorded: boolean;
  state: string;
  durationSeconds?: number;
}
export interface RequestView {
  requestId: string;
  kind: 'deletion' | 'redaction';
  contactId: string;
  status: string;
  ranges?: { from: number; to: number }[];
  createdAt: string;
  completedAt?: string;
  proof: unknown;
  error?: string;
}
export interface MeView {
  agentId: string;
  period: string;
  contacts: { contactId: string; state: string; updatedAt: string }[];
  listens: { contactId: string; coachTeam: string; listenedAt: string[]; listenUntil: string }[];
  evaluations: {
    contactId: string;
    coachTeam: string;
    scores: Record<string, number>;
    comment?: string;
    createdAt: string;
  }[];
  requests: RequestView[];
}
/** One of my audit entries (GET /me/audit). */
export interface MyAuditEntry {
  chain: string;
  seq: number;
  hash: string;
  kind: string;
  at: string;
  actor: string;
  subject?: string;
  data: Record<string, unknown>;
  partial?: true;
}
export interface MyAuditPage {
  agentId: string;
  period: string;
  entries: MyAuditEntry[];
  /** Present when more entries may follow: pass it back as `cursor`. */
  next?: string;
}
export interface AssignedListen {
  contactId: string;
  period: string;
  agentTeam: string;
  playsLeft: number;
  playsAllowed: number;
  listenUntil: string;
  open: boolean;
  evaluated: boolean;
}

const path = (id: string) => encodeURIComponent(id);

export function createApi(options: ApiOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await options.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await options.fetch(`${base}${route}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (res.status >= 400) {
      throw new ApiError(
        res.status,
        json.error?.code ?? 'unknown',
        json.error?.message ?? `HTTP ${res.status}`,
      );
    }
    return json as T;
  }
  return {
    status: (contactId: string) => call<RecordingStatus>('GET', `/contacts/${path(contactId)}/recording`),
    suspend: (contactId: string) =>
      call<{ state: string; currentContactId: string }>(
        'POST',
        `/contacts/${path(contactId)}/recording/suspend`,
      ),
    resume: (contactId: string) =>
      call<{ state: string; currentContactId: string }>(
        'POST',
        `/contacts/${path(contactId)}/recording/resume`,
      ),
    deletion: (contactId: string, reason: string) =>
      call<{ requestId: string; status: string }>('POST', `/contacts/${path(contactId)}/recording/deletion`, {
        reason,
      }),
    redaction: (contactId: string, range: { from: number; to: number }, reason: string) =>
      call<{ requestId: string; status: string }>(
        'POST',
        `/contacts/${path(contactId)}/recording/redactions`,
        {
          ranges: [range],
          channel: 'both',
          reason,
        },
      ),
    request: (requestId: string) => call<RequestView>('GET', `/requests/${path(requestId)}`),
    me: () => call<MeView>('GET', '/me'),
    myAudit: (period: string, cursor?: string) =>
      call<MyAuditPage>('GET', `/me/audit?period=${path(period)}${cursor ? `&cursor=${path(cursor)}` : ''}`),
    assignments: () => call<{ listens: AssignedListen[] }>('GET', '/assignments'),
    playback: (contactId: string) =>
      call<{ url: string; expiresAt: string; playsLeft: number }>(
        'POST',
        `/recordings/${path(contactId)}/playback`,
      ),
    evaluate: (contactId: string, scores: Record<string, number>, comment?: string) =>
      call<unknown>('POST', `/assignments/${path(contactId)}/evaluation`, {
        scores,
        ...(comment ? { comment } : {}),
      }),
  };
}

export type Api = ReturnType<typeof createApi>;
