/** The ingest function's environment is the one it shares with the recording-actions executor. */
export * from '../shared/recording-config';
