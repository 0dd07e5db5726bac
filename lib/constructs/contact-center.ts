import { Arn, ArnFormat, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  CfnContactFlow,
  CfnHoursOfOperation,
  CfnInstance,
  CfnInstanceStorageConfig,
  CfnIntegrationAssociation,
  CfnPhoneNumber,
  CfnQueue,
  CfnRoutingProfile,
} from 'aws-cdk-lib/aws-connect';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { DeploymentNames } from '../deploy/names';
import { acknowledge } from './nag';
import type { RecordingsBucket } from './recordings-bucket';
import { markRole } from './roles';

/** A phone number to claim on the instance (AWS::Connect::PhoneNumber). */
export interface PhoneNumberClaim {
  /** ISO 3166-1 alpha-2 country code, e.g. `FR`. */
  readonly countryCode: string;
  /** `DID` or `TOLL_FREE` (the types Connect claims by country). */
  readonly type: 'DID' | 'TOLL_FREE';
  /** @default - any number of the country and type; else a prefix with its `+`, e.g. `+331` */
  readonly prefix?: string;
}

export interface ContactCenterProps {
  /**
   * Physical names: the alias of the instance to create (ignored when `existingInstanceArn` is
   * set), the queue and its hours of operation.
   */
  readonly names: Pick<DeploymentNames, 'instanceAlias' | 'queue' | 'hoursOfOperation' | 'routingProfile'>;
  /** @default - a new instance is created */
  readonly existingInstanceArn?: string;
  /** Where Connect writes call recordings. */
  readonly recordings: RecordingsBucket;
  /** IANA time zone of the queue's (24/7) hours of operation. */
  readonly timezone: string;
  /**
   * Contact Lens on the created instance (a flow must still turn analytics on per contact; the
   * whisper flow does so for drawn contacts only). Not applied to an imported instance.
   * @default false
   */
  readonly contactLens?: boolean;
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
  /** Whether the whisper flow turns Contact Lens analytics on for drawn contacts. */
  readonly contactLens: boolean;
  private readonly associations: Array<{ fn: IFunction; association: CfnIntegrationAssociation }> = [];
  private readonly names: ContactCenterProps['names'];

  constructor(scope: Construct, id: string, props: ContactCenterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.names = props.names;
    this.contactLens = props.contactLens ?? false;

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
          // Off unless the policy chooses it; when on, only the whisper flow's block behind the
          // sampler's answer turns analytics on, for drawn contacts (lib/flows/drawn-only.ts).
          contactLens: props.contactLens ?? false,
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

  /**
   * A routing profile whose agents take the fairlisten queue's voice calls (one at a time), so an
   * operator only assigns it to agents instead of editing their profiles by hand.
   */
  addRoutingProfile(): CfnRoutingProfile {
    return new CfnRoutingProfile(this, 'RoutingProfile', {
      instanceArn: this.instanceArn,
      name: this.names.routingProfile,
      description: 'Agents who take calls reached through the fairlisten inbound flow',
      defaultOutboundQueueArn: this.queue.attrQueueArn,
      mediaConcurrencies: [{ channel: 'VOICE', concurrency: 1 }],
      queueConfigs: [
        { delay: 0, priority: 1, queueReference: { channel: 'VOICE', queueArn: this.queue.attrQueueArn } },
      ],
    });
  }

  /**
   * Claims a phone number on the instance and routes its calls to `flow`. CloudFormation has no
   * resource for the number-to-flow association, so a custom resource calls
   * AssociatePhoneNumberContactFlow on create and update and DisassociatePhoneNumberContactFlow on
   * delete, allowed on this number and this flow only.
   */
  claimPhoneNumber(
    claim: PhoneNumberClaim,
    flow: CfnContactFlow,
    /** Key of the custom resource's log group. */
    logKey: IKey,
  ): { number: CfnPhoneNumber; association: AwsCustomResource } {
    if (!/^[A-Z]{2}$/.test(claim.countryCode)) {
      throw new Error(
        `phoneNumber.countryCode must be an ISO 3166-1 alpha-2 code such as FR, got ${JSON.stringify(claim.countryCode)}`,
      );
    }
    if (claim.prefix !== undefined && !/^\+[0-9]{1,15}$/.test(claim.prefix)) {
      throw new Error(`phoneNumber.prefix must be + and 1–15 digits, got ${JSON.stringify(claim.prefix)}`);
    }
    const number = new CfnPhoneNumber(this, 'PhoneNumber', {
      targetArn: this.instanceArn,
      countryCode: claim.countryCode,
      type: claim.type,
      ...(claim.prefix ? { prefix: claim.prefix } : {}),
      description: 'Calls to this number go through the fairlisten inbound flow (notice, objection, lottery)',
    });
    const call = (action: 'associatePhoneNumberContactFlow' | 'disassociatePhoneNumberContactFlow') => ({
      service: 'Connect',
      action,
      parameters: {
        PhoneNumberId: number.attrPhoneNumberArn,
        InstanceId: this.instanceId,
        // The API documents an ARN or id for PhoneNumberId, "the identifier of the flow" for
        // ContactFlowId: the id, the last segment of instance/<id>/contact-flow/<id>.
        ...(action === 'associatePhoneNumberContactFlow'
          ? { ContactFlowId: Fn.select(3, Fn.split('/', flow.attrContactFlowArn)) }
          : {}),
      },
      physicalResourceId: PhysicalResourceId.of(`${number.node.addr}-inbound`),
    });
    // Its own role without AWS managed policies and an encrypted, bounded log group, like every
    // fairlisten function; it only runs while CloudFormation creates, updates or deletes the number.
    const logs = new LogGroup(this, 'PhoneNumberFlowLogs', {
      retention: RetentionDays.ONE_WEEK,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'PhoneNumberFlowRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'fairlisten: routes the claimed phone number to the inbound flow (deploy time only)',
    });
    logs.grantWrite(role);
    const association = new AwsCustomResource(this, 'PhoneNumberFlow', {
      onCreate: call('associatePhoneNumberContactFlow'),
      onUpdate: call('associatePhoneNumberContactFlow'),
      onDelete: call('disassociatePhoneNumberContactFlow'),
      installLatestAwsSdk: false,
      role,
      logGroup: logs,
      // The Service Authorization Reference lists the resource types each action is authorized
      // on: AssociatePhoneNumberContactFlow on the phone number and the flow (both required),
      // DisassociatePhoneNumberContactFlow on the phone number only.
      policy: {
        statements: [
          new PolicyStatement({
            actions: ['connect:AssociatePhoneNumberContactFlow'],
            resources: [number.attrPhoneNumberArn, flow.attrContactFlowArn],
          }),
          new PolicyStatement({
            actions: ['connect:DisassociatePhoneNumberContactFlow'],
            resources: [number.attrPhoneNumberArn],
          }),
        ],
      },
    });
    // No explicit dependency on the flow: the GetAtt of its ARN already orders it (cfn-lint W3005).
    for (const scope of [role, association]) {
      acknowledge(
        scope,
        ['hipaa', 'nist', 'pci'],
        'IAMNoInlinePolicy',
        'The deploy-time custom resource that routes the claimed number holds two statements of its own (AssociatePhoneNumberContactFlow on this number and this flow, DisassociatePhoneNumberContactFlow on this number) and the write grant on its log group, generated for this role only.',
      );
    }
    // aws-cdk-lib's one provider function for every AwsCustomResource of the stack.
    const provider = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (provider) {
      const deployTime =
        'aws-cdk-lib’s AwsCustomResource provider runs only while CloudFormation creates, updates or deletes the claimed number (one Connect API call), synchronously for CloudFormation, which reports a failure itself';
      acknowledge(
        provider,
        ['hipaa', 'nist', 'serverless'],
        'LambdaDLQ',
        `${deployTime}: there is no event to keep.`,
      );
      acknowledge(
        provider,
        ['hipaa', 'nist'],
        'LambdaConcurrency',
        `${deployTime}: at most one invocation per deploy.`,
      );
      acknowledge(
        provider,
        ['hipaa', 'nist', 'pci'],
        'LambdaInsideVPC',
        `${deployTime}: it reaches only the Connect API and holds no data.`,
      );
      acknowledge(
        provider,
        ['serverless'],
        'LambdaDefaultMemorySize',
        `${deployTime}: the default memory is enough for one API call.`,
      );
      acknowledge(
        provider,
        ['serverless'],
        'LambdaTracing',
        `${deployTime}: CloudFormation's events trace it.`,
      );
    }
    return { number, association };
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
