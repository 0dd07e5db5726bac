import { z } from 'zod';
import { decodeEventKey } from '../shared/recording-keys';

/**
 * The S3 event notification fields ingest uses (no published schema in the SDK; records of
 * `s3:ObjectCreated:Put` and `s3:ObjectCreated:CompleteMultipartUpload`). Keys arrive URL-encoded.
 */
export const s3EventSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      eventTime: z.iso.datetime({ offset: true }),
      s3: z.object({
        bucket: z.object({ name: z.string().min(1) }),
        object: z.object({
          key: z.string().min(1),
          size: z.number().int().nonnegative().default(0),
          versionId: z.string().min(1).optional(),
        }),
      }),
    }),
  ),
});

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly size: number;
  readonly eventTime: string;
}

/** The created objects of an S3 event (other event names are ignored), keys decoded. */
export function createdObjects(event: unknown): CreatedObject[] {
  return objectsOf(s3EventSchema.parse(event));
}

/** `createdObjects`, or the schema's refusal of an event that is not an S3 notification. */
export function parseCreatedObjects(
  event: unknown,
): { readonly objects: CreatedObject[] } | { readonly error: z.ZodError } {
  const parsed = s3EventSchema.safeParse(event);
  return parsed.success ? { objects: objectsOf(parsed.data) } : { error: parsed.error };
}

function objectsOf(event: z.infer<typeof s3EventSchema>): CreatedObject[] {
  return event.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeEventKey(r.s3.object.key),
    ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
    size: r.s3.object.size,
    eventTime: new Date(r.eventTime).toISOString(),
  }));
}
