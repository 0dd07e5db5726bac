import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLambdaExecutorInvoker } from '../../../lambda/shared/executor-invoker';

// Lambda has no local stand-in: the real client, mocked at the command level.
const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());
// Test files may share a worker (isolate: false): give LambdaClient back its real send.
afterAll(() => lambda.restore());

const invoker = () =>
  createLambdaExecutorInvoker({
    functionName: 'executor',
    client: new LambdaClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    }),
  });

describe('Lambda executor invoker', () => {
  it('invokes asynchronously (Event) with {requestId}', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await invoker().invoke('r-1');
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'executor', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({ requestId: 'r-1' });
  });

  it('throws when Lambda does not accept the event', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 500 });
    await expect(invoker().invoke('r-1')).rejects.toThrow(/status 500, expected 202/);
  });

  it('passes Lambda errors on, so the API answers 503 and marks the request failed', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(invoker().invoke('r-1')).rejects.toThrow('Rate exceeded');
  });
});
