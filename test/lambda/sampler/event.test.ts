import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidEventError,
  parseContactFlowEvent,
  safeParseContactFlowEvent,
} from '../../../lambda/sampler/event';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/events', import.meta.url));
const INSTANCE = 'arn:aws:connect:eu-central-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa';
const AGENT = `${INSTANCE}/agent/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`;

/** A realistic event from fairlisten's agent whisper flow (a transferred inbound call). */
const validEvent = () => ({
  Name: 'ContactFlowEvent',
  Details: {
    ContactData: {
      Attributes: { fairlistenCallerObjected: 'false', language: 'fr-FR' },
      AwsRegion: 'eu-central-1',
      Channel: 'VOICE',
      ContactId: 'b7e1c2d3-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
      CustomerEndpoint: { Address: '+33612345678', Type: 'TELEPHONE_NUMBER' },
      InitialContactId: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe',
      InitiationMethod: 'TRANSFER',
      InstanceARN: INSTANCE,
      LanguageCode: 'fr-FR',
      MediaStreams: { Customer: { Audio: null } },
      PreviousContactId: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe',
      Queue: {
        ARN: `${INSTANCE}/queue/5cba7cbf-1ecb-4b6d-b8bd-fe91079b3fc8`,
        Name: 'Support',
        OutboundCallerId: { Address: '+33100000000', Type: 'TELEPHONE_NUMBER' },
      },
      SystemEndpoint: { Address: '+33100000000', Type: 'TELEPHONE_NUMBER' },
      Tags: { 'aws:connect:instanceId': '9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa' },
    },
    Parameters: { agentArn: AGENT },
  },
});

describe('contact-flow event', () => {
  it('normalises a realistic whisper-flow event', () => {
    expect(parseContactFlowEvent(validEvent())).toEqual({
      contactId: 'b7e1c2d3-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
      initialContactId: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe',
      instanceArn: INSTANCE,
      agentArn: AGENT,
      agentId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
      queueArn: `${INSTANCE}/queue/5cba7cbf-1ecb-4b6d-b8bd-fe91079b3fc8`,
      queueId: '5cba7cbf-1ecb-4b6d-b8bd-fe91079b3fc8',
      queueName: 'Support',
      channel: 'VOICE',
      callerObjected: false,
    });
  });

  it('reads the caller objection attribute strictly', () => {
    const e = validEvent();
    e.Details.ContactData.Attributes.fairlistenCallerObjected = 'true';
    expect(parseContactFlowEvent(e).callerObjected).toBe(true);
    e.Details.ContactData.Attributes.fairlistenCallerObjected = 'TRUE';
    expect(() => parseContactFlowEvent(e)).toThrow(InvalidEventError);
  });

  describe('published samples', () => {
    const files = readdirSync(CORPUS).filter((f) => f.startsWith('lambda-ContactFlowEvent_'));
    const json = files.filter((f) => f.endsWith('.json'));
    const loaded = json.map((f) => [f, JSON.parse(readFileSync(join(CORPUS, f), 'utf8'))] as const);

    it('has samples', () => expect(json.length).toBeGreaterThanOrEqual(5));

    it.each(loaded)('%s: rejected as published (no agentArn parameter)', (_f, event) => {
      const r = safeParseContactFlowEvent(event);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.problems.join('\n')).toMatch(/agentArn|contact id|instance ARN/);
    });

    it.each(loaded)(
      '%s: with the whisper flow agentArn, accepted iff its ids are real UUIDs',
      (_f, event) => {
        const e = structuredClone(event);
        const instance: string = e.Details.ContactData.InstanceARN;
        e.Details.Parameters = {
          ...e.Details.Parameters,
          agentArn: `${instance}/agent/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`,
        };
        const r = safeParseContactFlowEvent(e);
        const fake = JSON.stringify(event).includes('XXXX');
        expect(r.ok).toBe(!fake);
        if (r.ok) expect(r.input.contactId).toBe(event.Details.ContactData.ContactId);
        else expect(r.error.problems.join('\n')).toMatch(/ContactId.*contact id/);
      },
    );

    it('the AS-PUBLISHED-INVALID-JSON sample fails at JSON level; its comment-free repair is rejected for fake ids', () => {
      const text = readFileSync(
        join(CORPUS, 'lambda-ContactFlowEvent_awsdocs-admin-guide_full.AS-PUBLISHED-INVALID-JSON.txt'),
        'utf8',
      );
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      // The AWS doc sample has // comments and a missing comma after Queue.Name. Removing the comments
      // and adding the comma gives valid JSON; the handler never sees such text (Lambda would fail to
      // deserialise it first), but the repaired object is still refused: its ids end in XXXX.
      const repaired = text.replace(/\s\/\/[^\n]*/g, '').replace(/("Name": "PasswordReset")\s*\n/, '$1,\n');
      const event = JSON.parse(repaired);
      event.Details.Parameters.agentArn = AGENT;
      const r = safeParseContactFlowEvent(event);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.problems.join('\n')).toMatch(/ContactId/);
    });
  });

  it('rejects wrong shapes and foreign instances', () => {
    const cases: [string, (e: ReturnType<typeof validEvent>) => void][] = [
      ['wrong name', (e) => ((e as { Name: string }).Name = 'Other')],
      [
        'uppercase contact id',
        (e) => (e.Details.ContactData.ContactId = e.Details.ContactData.ContactId.toUpperCase()),
      ],
      ['long contact id', (e) => (e.Details.ContactData.ContactId += 'a')],
      ['bad initial contact id', (e) => (e.Details.ContactData.InitialContactId = 'nope')],
      [
        'agent of another instance',
        (e) => (e.Details.Parameters.agentArn = AGENT.replace('9308c2a1', '1308c2a1')),
      ],
      [
        'queue of another instance',
        (e) =>
          (e.Details.ContactData.Queue.ARN = e.Details.ContactData.Queue.ARN.replace('9308c2a1', '1308c2a1')),
      ],
      [
        'agent ARN is a queue ARN',
        (e) => (e.Details.Parameters.agentArn = AGENT.replace('/agent/', '/queue/')),
      ],
      ['unresolved flow reference', (e) => (e.Details.Parameters.agentArn = '$.Agent.ARN')],
      ['agentArn not a string', (e) => ((e.Details.Parameters as Record<string, unknown>).agentArn = 42)],
    ];
    for (const [name, mutate] of cases) {
      const e = validEvent();
      mutate(e);
      expect(() => parseContactFlowEvent(e), name).toThrow(InvalidEventError);
    }
  });

  it('treats an empty or null InitialContactId as absent and accepts a null queue', () => {
    const e = validEvent() as unknown as { Details: { ContactData: Record<string, unknown> } };
    e.Details.ContactData.InitialContactId = '';
    e.Details.ContactData.Queue = null;
    const input = parseContactFlowEvent(e);
    expect(input.initialContactId).toBeUndefined();
    expect(input.queueId).toBeUndefined();
  });

  it('never throws anything but InvalidEventError', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const r = safeParseContactFlowEvent(x);
        expect(r.ok).toBe(false);
        try {
          parseContactFlowEvent(x);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidEventError);
        }
      }),
    );
    const hostile = {
      get Name() {
        throw new Error('boom');
      },
    };
    expect(() => parseContactFlowEvent(hostile)).toThrow(InvalidEventError);
  });
});
