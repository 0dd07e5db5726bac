/**
 * The ingest function's environment: the one it shares with the other function that applies
 * deletion and redaction requests (lambda/shared/recording-config.ts). No SDK (constructs load it).
 */
export {
  RECORDING_ENV,
  type RecordingConfig,
  type RecordingResources,
  recordingConfigFromEnv,
  recordingEnvironment,
  recordingEnvSchema,
} from '../shared/recording-config';
