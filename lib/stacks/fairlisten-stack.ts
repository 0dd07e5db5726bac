import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ContactCenter } from '../constructs/contact-center';
import { FairlistenApi } from '../constructs/fairlisten-api';
import { ProjectKey } from '../constructs/project-key';
import { RecordingsBucket } from '../constructs/recordings-bucket';
import { SamplingService } from '../constructs/sampling-service';
import { assertValidFlow, renderInboundFlow, renderWhisperFlow } from '../flows';
import type { RecordingPolicy } from '../policy/schema';

export interface FairlistenStackProps extends StackProps {
  readonly policy: RecordingPolicy;
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
  readonly api: FairlistenApi;

  constructor(scope: Construct, id: string, props: FairlistenStackProps) {
    const { policy } = props;
    super(scope, id, {
      ...props,
      terminationProtection: props.terminationProtection ?? true,
      description: `fairlisten: governed call recording for Amazon Connect (policy ${policy.version})`,
    });
    // The effective policy, where reviewers read it: in the template itself.
    this.templateOptions.metadata = { 'fairlisten:policy': policy };

    const dataKey = new ProjectKey(this, 'DataKey').key;
    this.recordings = new RecordingsBucket(this, 'Recordings', {
      retentionDays: policy.retentionDays,
      accessLogRetentionDays: policy.auditRetentionDays,
    });
    this.contactCenter = new ContactCenter(this, 'ContactCenter', {
      instanceAlias: policy.connect.instanceAlias,
      existingInstanceArn: policy.connect.existingInstanceArn,
      contactLens: policy.connect.contactLens,
      recordings: this.recordings,
      timezone: policy.timezone,
    });
    this.sampling = new SamplingService(this, 'Sampling', {
      policy,
      contactCenter: this.contactCenter,
      dataKey,
    });

    this.api = new FairlistenApi(this, 'Api', {
      identity: policy.identity,
      logKey: dataKey,
      logRetentionDays: policy.auditRetentionDays,
    });

    // Flows are checked at synth against the functions this instance may call.
    const validate = (content: string, associatedLambdaArns: readonly string[]) =>
      assertValidFlow(content, { associatedLambdaArns, requireUuidIdentifiers: true });
    const whisper = this.contactCenter.addFlow(
      'WhisperFlow',
      {
        name: 'fairlisten agent whisper',
        type: 'AGENT_WHISPER',
        description: 'Asks the sampler whether this contact is recorded (fails closed: not recorded)',
        content: renderWhisperFlow({ samplerFunctionArn: this.sampling.function.functionArn }),
      },
      validate,
    );
    this.contactCenter.addFlow(
      'InboundFlow',
      {
        name: 'fairlisten inbound',
        type: 'CONTACT_FLOW',
        description: 'Recording off, recording notice with objection key, agent whisper, queue',
        content: renderInboundFlow({
          whisperFlowArn: whisper.attrContactFlowArn,
          queueArn: this.contactCenter.queue.attrQueueArn,
        }),
      },
      validate,
    );

    new CfnOutput(this, 'PolicyVersion', { value: policy.version, description: 'Recording policy version' });
    new CfnOutput(this, 'SamplingRate', {
      value: String(policy.samplingRate),
      description: 'Deployed sampling rate (C4)',
    });
    new CfnOutput(this, 'RetentionDays', {
      value: String(policy.retentionDays),
      description: 'Recording retention (C3)',
    });
    new CfnOutput(this, 'RecordingsBucketName', { value: this.recordings.bucket.bucketName });
    new CfnOutput(this, 'ConnectInstanceArn', { value: this.contactCenter.instanceArn });
  }
}
