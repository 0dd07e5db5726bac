import { createHash } from 'node:crypto';
import { Aws, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { canonicalize } from '../../lambda/core/canonical-json';
import { samplerPolicyEnvironment } from '../../lambda/sampler/config';
import { AuditLog } from '../constructs/audit-log';
import { ContactCenter, type PhoneNumberClaim } from '../constructs/contact-center';
import { FairlistenApi } from '../constructs/fairlisten-api';
import { ListeningService } from '../constructs/listening-service';
import { OperatorAlerts } from '../constructs/operator-alerts';
import { PrivacyApi } from '../constructs/privacy-api';
import { ProjectKey } from '../constructs/project-key';
import { RecordingActions } from '../constructs/recording-actions';
import { RecordingIngest } from '../constructs/recording-ingest';
import { RecordingsBucket } from '../constructs/recordings-bucket';
import { RetentionSweeper } from '../constructs/retention-sweeper';
import { SamplingService } from '../constructs/sampling-service';
import { SeedVault } from '../constructs/seed-vault';
import { WorkspaceApp } from '../constructs/workspace-app';
import { WriteSentinel } from '../constructs/write-sentinel';
import { type DeploymentNames, deploymentNames } from '../deploy/names';
import { STACK_OUTPUTS, type StackOutputName } from '../deploy/outputs';
import { assertValidFlow, renderInboundFlow, renderWhisperFlow } from '../flows';
import { POLICY_METADATA_KEY, POLICY_SHA256_METADATA_KEY } from '../policy/metadata';
import type { RecordingPolicy } from '../policy/schema';

export interface FairlistenStackProps extends StackProps {
  readonly policy: RecordingPolicy;
  /** @default - the plain names of a deployment without a stage */
  readonly names?: DeploymentNames;
  /**
   * Alias of the Connect instance, for the agent workspace app (only the instance's workspace at
   * `https://<alias>.my.connect.aws` and `https://<alias>.awsapps.com` may embed it).
   * @default - the alias of the instance the stack creates; with `connect.existingInstanceArn`, no
   * workspace app (the imported instance's alias is not known) unless this is given
   */
  readonly workspaceAppInstanceAlias?: string;
  /**
   * Create a routing profile with the fairlisten queue (`ContactCenter.addRoutingProfile`).
   * @default - true for a created instance; false for an imported one, whose agents keep the
   * profiles the contact centre manages (add the queue to them, deploy.md step 6)
   */
  readonly routingProfile?: boolean;
  /**
   * Claim a phone number on the instance and route it to the inbound flow.
   * @default - none: claiming a number is billed, and an imported instance routes its own numbers
   */
  readonly phoneNumber?: PhoneNumberClaim;
}

/**
 * Composes fairlisten. One stack, on purpose: the recordings bucket policy names the roles of
 * the functions that may read audio, and those functions need the bucket — across two stacks
 * that is a dependency cycle. Termination protection stands in for a separate storage stack.
 */
export class FairlistenStack extends Stack {
  readonly recordings: RecordingsBucket;
  readonly contactCenter: ContactCenter;
  readonly sampling: SamplingService;
  readonly audit: AuditLog;
  /** Records every change to the audit and decisions tables that is not an append. */
  readonly sentinel: WriteSentinel;
  /** The topic every alarm notifies. */
  readonly alerts: OperatorAlerts;
  readonly seeds: SeedVault;
  readonly api: FairlistenApi;
  /** Recording actions and ingest: requests and recordings index tables, executor. */
  readonly recordingActions: RecordingActions;
  readonly recordingIngest: RecordingIngest;
  /** Deletes every version of the recordings past their retention counted from the call. */
  readonly retention: RetentionSweeper;
  readonly privacy: PrivacyApi;
  /** Listening governance: assignment, playback, plans, evaluations, views. */
  readonly listening: ListeningService;
  /** The agent workspace app's hosting and registration, when the instance alias is known. */
  readonly workspaceApp?: WorkspaceApp;

  constructor(scope: Construct, id: string, props: FairlistenStackProps) {
    const { policy } = props;
    const names = props.names ?? deploymentNames(policy.connect.instanceAlias);
    super(scope, id, {
      ...props,
      terminationProtection: props.terminationProtection ?? true,
      description: `fairlisten: governed call recording for Amazon Connect (policy ${policy.version})`,
    });
    // The effective policy, where reviewers read it: in the template itself. As canonical JSON text,
    // not an object: CloudFormation's Metadata schema has no floating-point numbers (cfn-lint E4002),
    // and the text is what its SHA-256 is taken over.
    const policyJson = canonicalize(policy);
    this.templateOptions.metadata = {
      [POLICY_METADATA_KEY]: policyJson,
      [POLICY_SHA256_METADATA_KEY]: createHash('sha256').update(policyJson).digest('hex'),
    };

    const dataKey = new ProjectKey(this, 'DataKey').key;
    this.alerts = new OperatorAlerts(this, 'Alerts', { key: dataKey });
    this.recordings = new RecordingsBucket(this, 'Recordings', {
      retentionDays: policy.retentionDays,
      accessLogRetentionDays: policy.auditRetentionDays,
    });
    this.contactCenter = new ContactCenter(this, 'ContactCenter', {
      names,
      existingInstanceArn: policy.connect.existingInstanceArn,
      recordings: this.recordings,
      timezone: policy.timezone,
      contactLens: policy.connect.contactLens,
    });
    // Lottery seeds: committed before each period, revealed after it.
    this.seeds = new SeedVault(this, 'Seeds', { policy, dataKey });
    this.sampling = new SamplingService(this, 'Sampling', {
      policy,
      contactCenter: this.contactCenter,
      dataKey,
      seedVault: this.seeds,
    });
    // Audit log: hash chains, hourly Object Lock exports of them and of the decisions.
    this.audit = new AuditLog(this, 'Audit', {
      retentionDays: policy.auditRetentionDays,
      dataKey,
      decisions: this.sampling.decisions.table,
      accessLogsBucket: this.recordings.accessLogs,
    });
    this.sentinel = new WriteSentinel(this, 'WriteSentinel', {
      audit: this.audit,
      decisions: this.sampling.decisions,
      dataKey,
      alerts: this.alerts,
    });
    // Seeds: commitments and reveals go to chain `seeds` and the audit bucket's transparency/.
    this.seeds.publishThrough(this.audit, { policyDocument: samplerPolicyEnvironment(policy) });

    // Recording actions and ingest: deletion and in-place redaction (C9).
    this.recordingActions = new RecordingActions(this, 'RecordingActions', {
      recordings: this.recordings,
      decisions: this.sampling.decisions.table,
      dataKey,
      logRetentionDays: policy.auditRetentionDays,
      audit: this.audit,
      alerts: this.alerts,
    });
    this.recordingIngest = new RecordingIngest(this, 'RecordingIngest', {
      recordings: this.recordings,
      actions: this.recordingActions,
      sampling: this.sampling,
      recordingsPrefix: this.contactCenter.recordingsPrefix,
      dataKey,
      logRetentionDays: policy.auditRetentionDays,
      alerts: this.alerts,
    });
    // Created after ingest, which declares the prefixes recordings arrive under.
    this.retention = new RetentionSweeper(this, 'RetentionSweeper', {
      recordings: this.recordings,
      index: this.recordingActions.recordingsIndex.table,
      audit: this.audit,
      dataKey,
      logRetentionDays: policy.auditRetentionDays,
      alerts: this.alerts,
    });
    // End of recording actions and ingest.

    // Agent workspace app: its origin is the one the API lets browsers call from and the hosted
    // sign-in may send the code back to.
    const appAlias =
      props.workspaceAppInstanceAlias ??
      (policy.connect.existingInstanceArn ? undefined : names.instanceAlias);
    const signInDomainPrefix = `fairlisten${names.stage ? `-${names.stage}` : ''}-${this.account}`;
    if (appAlias !== undefined) {
      const signIn = policy.identity.issuer
        ? [new URL(policy.identity.issuer).origin]
        : [
            `https://cognito-idp.${this.region}.amazonaws.com`,
            `https://${signInDomainPrefix}.auth.${this.region}.amazoncognito.com`,
          ];
      this.workspaceApp = new WorkspaceApp(this, 'WorkspaceApp', {
        instanceArn: this.contactCenter.instanceArn,
        instanceAlias: appAlias,
        applicationName: `fairlisten${names.stage ? `-${names.stage}` : ''}`,
        // The API id cannot appear here (the API's CORS names this app: a cycle), so the region's
        // execute-api domain; the API itself only answers this app's origin.
        connectSources: [`https://*.execute-api.${this.region}.amazonaws.com`, ...signIn],
        mediaSources: [`https://*.s3.${this.region}.amazonaws.com`],
        accessLogsBucket: this.recordings.accessLogs,
      });
    }
    this.api = new FairlistenApi(this, 'Api', {
      identity: policy.identity,
      allowedOrigins: this.workspaceApp ? [this.workspaceApp.origin] : undefined,
      // The local app first: SignInUrl (and the CLI's loopback sign-in) keep their redirect.
      callbackUrls: this.workspaceApp
        ? ['http://localhost:8787/callback', this.workspaceApp.callbackUrl]
        : undefined,
      signInDomainPrefix,
      logKey: dataKey,
      logRetentionDays: policy.auditRetentionDays,
    });
    // The app itself, with its config.json: only with the Cognito sign-in (an external issuer's
    // sign-in is not built into the app).
    if (this.workspaceApp && this.api.userPoolClient) {
      this.workspaceApp.deployContent({
        config: {
          apiBaseUrl: this.api.api.apiEndpoint,
          // Resolved at deployment (a marker in the asset), so the app bundle's asset does not
          // depend on the account the template is synthesized for.
          signInDomain: Fn.join('', [
            'https://',
            signInDomainPrefix,
            '.auth.',
            Aws.REGION,
            '.amazoncognito.com',
          ]),
          clientId: this.api.userPoolClient.userPoolClientId,
          identity: {
            groupsClaim: policy.identity.groupsClaim,
            groups: { agent: policy.identity.groups.agent, coach: policy.identity.groups.coach },
          },
        },
        logKey: dataKey,
        logRetentionDays: policy.auditRetentionDays,
      });
    }
    // Privacy API (C9): suspend/resume, deletion and redaction requests, proof.
    this.privacy = new PrivacyApi(this, 'Privacy', {
      api: this.api,
      contactCenter: this.contactCenter,
      requests: this.recordingActions.requests.table,
      recordings: this.recordingActions.recordingsIndex.table,
      decisions: this.sampling.decisions.table,
      executor: this.recordingActions.function,
      audit: this.audit,
      logKey: dataKey,
      logRetentionDays: policy.auditRetentionDays,
    });
    // End of privacy API.
    // Listening governance.
    this.listening = new ListeningService(this, 'Listening', {
      policy,
      api: this.api,
      dataKey,
      recordings: this.recordings,
      contactCenter: this.contactCenter,
      recordingsIndex: this.recordingActions.recordingsIndex.table,
      requests: this.recordingActions.requests.table,
      decisions: this.sampling.decisions.table,
      auditBucket: this.audit.bucket,
      audit: this.audit,
    });
    // End of listening governance.

    // Flows are checked at synth against the functions this instance may call.
    const validate = (content: string, associatedLambdaArns: readonly string[]) =>
      assertValidFlow(content, { associatedLambdaArns, requireUuidIdentifiers: true });
    const whisper = this.contactCenter.addFlow(
      'WhisperFlow',
      {
        name: names.whisperFlow,
        type: 'AGENT_WHISPER',
        description: policy.connect.contactLens
          ? 'Asks the sampler whether this contact is recorded (fails closed: not recorded); Contact Lens analytics for drawn contacts only'
          : 'Asks the sampler whether this contact is recorded (fails closed: not recorded)',
        content: renderWhisperFlow({
          samplerFunctionArn: this.sampling.function.functionArn,
          ...(policy.connect.contactLens ? { contactLens: {} } : {}),
        }),
      },
      validate,
    );
    const inbound = this.contactCenter.addFlow(
      'InboundFlow',
      {
        name: names.inboundFlow,
        type: 'CONTACT_FLOW',
        description: 'Recording off, recording notice with objection key, agent whisper, queue',
        content: renderInboundFlow({
          whisperFlowArn: whisper.attrContactFlowArn,
          queueArn: this.contactCenter.queue.attrQueueArn,
        }),
      },
      validate,
    );
    // Routing: a profile with the queue, and a claimed number routed to the inbound flow (deploy.md step 6).
    const routingProfile =
      (props.routingProfile ?? !this.contactCenter.imported)
        ? this.contactCenter.addRoutingProfile()
        : undefined;
    const phone = props.phoneNumber
      ? this.contactCenter.claimPhoneNumber(props.phoneNumber, inbound, dataKey)
      : undefined;

    this.addOutputs({
      PolicyVersion: policy.version,
      SamplingRate: String(policy.samplingRate),
      RetentionDays: String(policy.retentionDays),
      ApiUrl: this.api.api.apiEndpoint,
      Issuer: this.api.issuer,
      UserPoolId: this.api.userPool?.userPoolId,
      UserPoolClientId: this.api.userPoolClient?.userPoolClientId,
      SignInUrl: this.api.signInUrl,
      ConnectInstanceId: this.contactCenter.instanceId,
      ConnectInstanceArn: this.contactCenter.instanceArn,
      QueueArn: this.contactCenter.queue.attrQueueArn,
      InboundFlowArn: inbound.attrContactFlowArn,
      WhisperFlowArn: whisper.attrContactFlowArn,
      RoutingProfileArn: routingProfile?.attrRoutingProfileArn,
      PhoneNumber: phone?.number.attrAddress,
      RecordingsBucketName: this.recordings.bucket.bucketName,
      AuditBucketName: this.audit.bucket.bucketName,
      DecisionsTableName: this.sampling.decisions.table.tableName,
      SeedsTableName: this.seeds.table.table.tableName,
      AuditTableName: this.audit.table.table.tableName,
      RecordingsIndexTableName: this.recordingActions.recordingsIndex.table.tableName,
      RequestsTableName: this.recordingActions.requests.table.tableName,
      ListeningTableName: this.listening.listening.table.tableName,
      PlansTableName: this.listening.plans.table.tableName,
      AlarmTopicArn: this.alerts.topic.topicArn,
      HeadsSigningKeyArn: this.audit.publication.signingKey.keyArn,
      WorkspaceAppUrl: this.workspaceApp?.url,
      WorkspaceAppBucketName: this.workspaceApp?.bucket.bucketName,
      WorkspaceAppDistributionId: this.workspaceApp?.distribution.distributionId,
      WorkspaceAppApplicationArn: this.workspaceApp?.application.attrApplicationArn,
    });
  }

  /**
   * Every value an operator or the CLI needs, under the names `lib/deploy/outputs.ts` reads back
   * from `cdk deploy --outputs-file`. Each output id is a stack-level name, so it stays stable.
   */
  private addOutputs(values: { readonly [K in StackOutputName]: string | undefined }): void {
    for (const [name, value] of Object.entries(values) as Array<[StackOutputName, string | undefined]>) {
      if (value !== undefined) new CfnOutput(this, name, { value, description: STACK_OUTPUTS[name] });
    }
  }
}
