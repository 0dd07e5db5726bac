/**
 * Where the stack writes the effective policy in its template Metadata, and where the compliance
 * report reads it back: one spelling for both sides.
 */
export const POLICY_METADATA_KEY = 'fairlisten:policy';
/** SHA-256 (hex) of the canonical JSON text (RFC 8785) stored under POLICY_METADATA_KEY. */
export const POLICY_SHA256_METADATA_KEY = 'fairlisten:policySha256';

/** Role (fairlisten:role) of the workspace app's static bucket: app code, never expired. */
export const WORKSPACE_APP_BUCKET_ROLE = 'bucket:workspace-app';
