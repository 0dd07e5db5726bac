/**
 * Suspend and resume the recording of a live call (C9: "interrupt the recording at the moment
 * the employee speaks personal data"). Amazon Connect replaces the suspended span by silence in
 * the recording file, so nothing said while suspended is ever stored.
 *
 * The transfer pitfall. SuspendContactRecording / ResumeContactRecording take both `ContactId`
 * and `InitialContactId` ("the identifier of the contact associated with the first interaction
 * with the contact center"; API reference, SuspendContactRecording). A transfer creates a new
 * contact leg (new ContactId, PreviousContactId = the old leg, same InitialContactId) and the
 * recording continues on the new leg; calls must then name the *current* leg and the *initial*
 * contact. Naming the transferred-away leg fails with ResourceNotFoundException — the error
 * reported in amazon-connect/amazon-connect-streams#294 ("Pause recordings: Resource not found
 * (after agent transfer and queue transfer)"). The exact server behaviour is not documented;
 * lib/local/connect-standin.ts models it conservatively and the tests run against that model.
 *
 * Resolution, at most one retry:
 *  1. call with the leg the caller names and the decision's InitialContactId (or the leg itself
 *     when the decision has none: the leg is then the initial contact);
 *  2. on ResourceNotFoundException, DescribeContact(leg): if the leg is still connected and its
 *     InitialContactId differs from the one sent, retry with the described one; if the leg has
 *     been disconnected (transferred away), look up the newest other leg of the same initial
 *     contact handled by the same agent (`findCurrentLeg`; DescribeContact has no link forward,
 *     only `PreviousContactId`) and retry on it;
 *  3. the retry's outcome is final.
 */
import {
  type ConnectClient,
  DescribeContactCommand,
  ResumeContactRecordingCommand,
  SuspendContactRecordingCommand,
} from '@aws-sdk/client-connect';
import { badGateway, conflict, type HttpError, serviceUnavailable } from '../shared/http';

export type RecordingAction = 'suspend' | 'resume';

/** Finds the newest leg (other than `staleLeg`) of `initialContactId` handled by `agentId`. */
export type LegFinder = (args: {
  initialContactId: string;
  agentId: string;
  staleLeg: string;
}) => Promise<string | undefined>;

export interface RecordingControlDeps {
  readonly connect: ConnectClient;
  readonly instanceId: string;
  readonly findCurrentLeg: LegFinder;
}

export interface RecordingTarget {
  /** The leg the caller named. */
  readonly contactId: string;
  /** From the decision; undefined when the leg was the first interaction. */
  readonly initialContactId?: string;
  /** The agent who handled the named leg. */
  readonly agentId: string;
}

export interface RecordingControlResult {
  /** The leg Connect accepted the call for. */
  readonly leg: string;
  readonly initialContactId: string;
  /** True when the first call failed and the retry on a resolved leg succeeded. */
  readonly retried: boolean;
}

const errorName = (err: unknown): string => (err instanceof Error ? err.name : 'unknown');
const httpStatusOf = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/** Maps a Connect failure to the answer the caller gets. */
export function connectFailure(err: unknown, contactId: string, action: RecordingAction): HttpError {
  const name = errorName(err);
  if (name === 'ResourceNotFoundException') {
    return conflict(
      'contact-not-live',
      `contact ${contactId} is no longer a live call in Amazon Connect (ended or transferred, and no current leg handled by the same agent was found); ${action} from the current call`,
    );
  }
  if (name === 'InvalidRequestException' || name === 'InvalidParameterException') {
    return conflict(
      'not-recording',
      `Amazon Connect refused to ${action} the recording of contact ${contactId}: the call is not being recorded or has ended`,
    );
  }
  if (name === 'ThrottlingException' || name === 'LimitExceededException' || httpStatusOf(err) === 429) {
    return serviceUnavailable(
      'connect-throttled',
      `Amazon Connect is throttling requests; the recording of contact ${contactId} was not changed — retry in a second`,
    );
  }
  return badGateway(
    'connect-unavailable',
    `Amazon Connect did not complete the ${action} of contact ${contactId}; the recording state is unchanged or unknown — retry`,
  );
}

export function createRecordingControl(deps: RecordingControlDeps) {
  const { connect, instanceId } = deps;

  const send = (action: RecordingAction, ContactId: string, InitialContactId: string) =>
    connect.send(
      action === 'suspend'
        ? new SuspendContactRecordingCommand({ InstanceId: instanceId, ContactId, InitialContactId })
        : new ResumeContactRecordingCommand({ InstanceId: instanceId, ContactId, InitialContactId }),
    );

  /** Where to retry after a ResourceNotFoundException, or undefined when there is nowhere. */
  const resolve = async (
    target: RecordingTarget,
    sentInitial: string,
  ): Promise<{ leg: string; initialContactId: string } | undefined> => {
    let contact: { InitialContactId?: string; Id?: string; DisconnectTimestamp?: Date } | undefined;
    try {
      ({ Contact: contact } = await connect.send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: target.contactId }),
      ));
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    const initialContactId = contact?.InitialContactId || target.contactId;
    if (!contact?.DisconnectTimestamp) {
      // Live leg: only the initial contact id can have been wrong.
      return initialContactId !== sentInitial ? { leg: target.contactId, initialContactId } : undefined;
    }
    const leg = await deps.findCurrentLeg({
      initialContactId,
      agentId: target.agentId,
      staleLeg: target.contactId,
    });
    return leg ? { leg, initialContactId } : undefined;
  };

  return {
    async apply(action: RecordingAction, target: RecordingTarget): Promise<RecordingControlResult> {
      const initialContactId = target.initialContactId || target.contactId;
      try {
        await send(action, target.contactId, initialContactId);
        return { leg: target.contactId, initialContactId, retried: false };
      } catch (err) {
        if (errorName(err) !== 'ResourceNotFoundException')
          throw connectFailure(err, target.contactId, action);
        let next: { leg: string; initialContactId: string } | undefined;
        try {
          next = await resolve(target, initialContactId);
        } catch (describeErr) {
          throw connectFailure(describeErr, target.contactId, action);
        }
        if (!next) throw connectFailure(err, target.contactId, action);
        try {
          await send(action, next.leg, next.initialContactId);
        } catch (retryErr) {
          throw connectFailure(retryErr, target.contactId, action);
        }
        return { ...next, retried: true };
      }
    },
  };
}

export type RecordingControl = ReturnType<typeof createRecordingControl>;
