import { z } from 'zod';

/** The executor's event: `{ requestId }` (lambda/privacy/executor-invoker.ts sends it). */
export const actionEventSchema = z.object({ requestId: z.uuid() });
export type ActionEvent = z.infer<typeof actionEventSchema>;
