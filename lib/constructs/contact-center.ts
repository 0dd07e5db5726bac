import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import {
  CfnContactFlow,
  CfnHoursOfOperation,
  CfnInstance,
  CfnInstanceStorageConfig,
  CfnIntegrationAssociation,
  CfnQueue,
} from 'aws-cdk-lib/aws-connect';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { DeploymentNames } from '../deploy/names';
import type { RecordingsBucket } from './recordings-bucket';
import { markRole } from './roles';

export interface ContactCenterProps {
  /**
   * Physical names: the alias of the instance to create (ignored when `existingInstanceArn` is
   * set), the queue and its hours of operation.
   */
  readonly names: Pick<DeploymentNames, 'instanceAlias' | 'queue' | 'hoursOfOperation'>;
  /** @default - a new instance is created */
  readonly existingInstanceArn?: string;
  /** Where Connect writes call recordings. */
  readonly recordings: RecordingsBucket;
  /** IANA time zone of the queue's (24/7) hours of operation. */
  readonly timezone: string;
}

/**
 * The Amazon Connect instance fairlisten works on — created, or imported by ARN since a platform
 * team usually has one — with its call-recording storage pointed at the recordings bucket, a
 * 24/7 queue, and the Lambda integrations the flows may call.
 */
export class ContactCenter extends Construct {
  readonly instanceArn: string;
  /** The instance id (last part of the ARN). */
  readonly instanceId: string;
  /** Set when this construct created the instance. */
  readonly instance?: CfnInstance;
  readonly queue: CfnQueue;
  /** S3 key prefix of call recordings (Connect's storage config `BucketPrefix`). */
  readonly recordingsPrefix: string;
  readonly imported: boolean;
  private readonly associations: Array<{ fn: IFunction; association: CfnIntegrationAssociation }> = [];

  constructor(scope: Construct, id: string, props: ContactCenterProps) {
    super(scope, id);
    const stack = Stack.of(this);

    if (props.existingInstanceArn) {
      const parts = Arn.split(props.existingInstanceArn, ArnFormat.SLASH_RESOURCE_NAME);
      if (parts.service !== 'connect' || parts.resource !== 'instance' || !parts.resourceName) {
        throw new Error(
          `existingInstanceArn must be a Connect instance ARN, got ${props.existingInstanceArn}`,
        );
      }
      if (parts.region !== stack.region) {
        throw new Error(
          `existingInstanceArn is in ${parts.region} but the stack (and its recordings) are in ${stack.region}: recordings must stay in the policy region (C3)`,
        );
      }
      this.instanceArn = props.existingInstanceArn;
      this.instanceId = parts.resourceName;
      this.imported = true;
    } else {
      this.instance = new CfnInstance(this, 'Instance', {
        identityManagementType: 'CONNECT_MANAGED',
        instanceAlias: props.names.instanceAlias,
        attributes: {
          inboundCalls: true,
          outboundCalls: false,
          // Flow logs would copy contact attributes (the objection choice, ids) into a log group
          // Connect creates outside the template, with no retention: off, and no flow enables them.
          contactflowLogs: false,
          // No flow of fairlisten can enable analytics for drawn calls only (lib/policy/schema.ts):
          // Contact Lens stays off, so it produces no output.
          contactLens: false,
        },
      });
      this.instanceArn = this.instance.attrArn;
      this.instanceId = this.instance.attrId;
      this.imported = false;
    }

    this.recordingsPrefix = `connect/${props.names.instanceAlias}/CallRecordings`;
    props.recordings.allowConnectWrites();
    new CfnInstanceStorageConfig(this, 'CallRecordingsStorage', {
      instanceArn: this.instanceArn,
      resourceType: 'CALL_RECORDINGS',
      storageType: 'S3',
      s3Config: {
        bucketName: props.recordings.bucket.bucketName,
        bucketPrefix: this.recordingsPrefix,
        encryptionConfig: { encryptionType: 'KMS', keyId: props.recordings.key.keyArn },
      },
    });

    const hours = new CfnHoursOfOperation(this, 'AlwaysOpen', {
      instanceArn: this.instanceArn,
      name: props.names.hoursOfOperation,
      description: 'Hours of the fairlisten queue: always open (routing is not fairlisten’s concern)',
      timeZone: props.timezone,
      config: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({
        day,
        // 00:00 to 00:00 is a whole day in Connect (its default "Basic Hours" use it);
        // ending at 23:59 would close the queue for a minute every night.
        startTime: { hours: 0, minutes: 0 },
        endTime: { hours: 0, minutes: 0 },
      })),
    });
    this.queue = new CfnQueue(this, 'Queue', {
      instanceArn: this.instanceArn,
      name: props.names.queue,
      description: 'Calls reached through the fairlisten inbound flow',
      hoursOfOperationArn: hours.attrHoursOfOperationArn,
    });
  }

  /** Every function a flow of this instance may invoke (the flow validator checks against it). */
  get lambdaArns(): readonly string[] {
    return this.associations.map((a) => a.fn.functionArn);
  }

  /**
   * Lets the instance invoke `fn` from a flow: the integration association that makes it
   * callable, and a resource policy that admits this instance only.
   */
  associateFunction(id: string, fn: IFunction): void {
    const stack = Stack.of(this);
    const association = new CfnIntegrationAssociation(this, `${id}Integration`, {
      instanceId: this.instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: fn.functionArn,
    });
    fn.addPermission(`${id}InvokedByConnect`, {
      principal: new ServicePrincipal('connect.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: this.instanceArn,
    });
    this.associations.push({ fn, association });
  }

  /** Adds a flow after checking it: a broken flow fails the synth, never the deploy. */
  addFlow(
    id: string,
    props: { name: string; type: 'CONTACT_FLOW' | 'AGENT_WHISPER'; description: string; content: string },
    validate: (content: string, associatedLambdaArns: readonly string[]) => void,
  ): CfnContactFlow {
    validate(props.content, this.lambdaArns);
    const flow = new CfnContactFlow(this, id, {
      instanceArn: this.instanceArn,
      name: props.name,
      type: props.type,
      description: props.description,
      content: props.content,
      state: 'ACTIVE',
    });
    // Connect validates a published flow's content when it is created: a function the flow
    // invokes must already be associated with the instance. A GetAtt on the function alone does
    // not order the flow after the association, so say it.
    for (const { fn, association } of this.associations) {
      if (props.content.includes(fn.functionArn)) flow.node.addDependency(association);
    }
    markRole(flow, `flow:${props.type === 'AGENT_WHISPER' ? 'whisper' : 'inbound'}`);
    return flow;
  }
}
