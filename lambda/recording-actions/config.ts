/** The executor's environment is the one it shares with ingest (both apply deletion and redaction requests). */
export * from '../shared/recording-config';
