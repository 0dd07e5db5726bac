import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Starts the recording-actions executor for a request: an asynchronous Lambda invoke
 * (`InvocationType: 'Event'`) with `{requestId}` — the contract of lambda/shared/requests.ts.
 * Lambda queues the event and answers 202 at once, so the API does not wait for the deletion;
 * the executor starts within milliseconds, which is what keeps "request → every version gone"
 * within seconds. Lambda retries a failed asynchronous invocation twice on its own.
 */
export interface ExecutorInvoker {
  /** Queues the executor for `requestId`; throws when Lambda did not accept the event. */
  invoke(requestId: string): Promise<void>;
}

export function createLambdaExecutorInvoker(options: {
  readonly functionName: string;
  /** @default a client with the runtime's credentials and region */
  readonly client?: LambdaClient;
}): ExecutorInvoker {
  const client = options.client ?? new LambdaClient({ maxAttempts: 3 });
  return {
    async invoke(requestId) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify({ requestId })),
        }),
      );
      if (out.StatusCode !== 202) {
        throw new Error(`executor invoke answered status ${String(out.StatusCode)}, expected 202`);
      }
    },
  };
}
