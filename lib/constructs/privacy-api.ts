import { CfnResource, Stack } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { privacyEnvironment } from '../../lambda/privacy/config';
import { API_ROUTES } from '../../lambda/shared/routes';
import type { AuditLog } from './audit-log';
import type { ContactCenter } from './contact-center';
import type { FairlistenApi } from './fairlisten-api';
import { FairlistenFunction } from './fairlisten-function';
import { acknowledge } from './nag';

export interface PrivacyApiProps {
  /** The HTTP API whose JWT authorizer guards the routes. */
  readonly api: FairlistenApi;
  /** The Connect instance whose live contacts are suspended and resumed. */
  readonly contactCenter: ContactCenter;
  /** Deletion and redaction requests (read and written here; the executor carries them out). */
  readonly requests: ITable;
  /** The recordings index (read only: state, owner, duration). */
  readonly recordings: ITable;
  /** The sampler's decisions (read only: owner, InitialContactId, other legs of a transfer). */
  readonly decisions: ITable;
  /** The recording-actions executor, invoked asynchronously with `{requestId}`. */
  readonly executor: IFunction;
  /** Where `suspension`, `resumption` and `*-requested` records are appended (`privacy/<period>`). */
  readonly audit: AuditLog;
  /** Key of the function's log group. */
  readonly logKey: IKey;
  /** Days the function's logs are kept (identifiers only). */
  readonly logRetentionDays: number;
}

/** The routes, as the contract with clients (lambda/shared/routes.ts), with their construct ids. */
export const PRIVACY_ROUTES = Object.entries(API_ROUTES.privacy).map(([name, route]) => ({
  id: name[0]!.toUpperCase() + name.slice(1),
  method: HttpMethod[route.method],
  path: route.path,
}));

/** Limits of suspend and resume (each its own bucket). */
export const PRIVACY_LIVE_ROUTE_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * The privacy API (C9): an agent suspends and resumes the recording of a live call (the
 * data-protection officer may suspend, never resume: suspension is the employee's control), and asks for a recording to be deleted or redacted, then reads the
 * proof. One function serves the five routes: they share the authorization rules (one module,
 * no drift between routes), and a single function stays warm, so a suspension — needed "at the
 * moment the employee speaks personal data" — rarely waits for a cold start. The price is one
 * role for all routes; it holds no S3 permission at all (the executor alone rewrites audio).
 */
export class PrivacyApi extends Construct {
  readonly function: FairlistenFunction;

  constructor(scope: Construct, id: string, props: PrivacyApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const instanceId = props.contactCenter.instanceId;

    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'privacy',
      serviceName: 'fairlisten-privacy',
      description:
        'fairlisten privacy API: suspend/resume a live recording, deletion and redaction requests (C9)',
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
      environment: privacyEnvironment(
        {
          requestsTable: props.requests.tableName,
          recordingsTable: props.recordings.tableName,
          decisionsTable: props.decisions.tableName,
          executorFunctionName: props.executor.functionName,
          connectInstanceId: instanceId,
        },
        props.api.identity,
      ),
      writesAudit: true,
    });
    const fn = this.function;

    // Requests: read (status, proof, pending deletions by contact) and create/update; no delete.
    props.requests.grantReadData(fn);
    props.requests.grant(fn, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    props.requests.encryptionKey?.grant(fn, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
    // Recordings index and decisions: read only (the decisions Scan finds a transferred leg).
    props.recordings.grantReadData(fn);
    props.decisions.grantReadData(fn);
    props.audit.bindWriter(fn);
    // The executor only, by its exact ARN (no version/alias wildcard).
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.executor.functionArn] }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'connect:SuspendContactRecording',
          'connect:ResumeContactRecording',
          'connect:DescribeContact',
        ],
        resources: [
          stack.formatArn({
            service: 'connect',
            resource: 'instance',
            resourceName: `${instanceId}/contact/*`,
          }),
        ],
      }),
    );

    for (const route of PRIVACY_ROUTES) {
      props.api.addRoute(`Privacy${route.id}`, route.method, route.path, fn);
    }
    // Suspend and resume are needed the moment personal data is spoken: their own token buckets,
    // above every other route's, so no other traffic on the API can use up their rate.
    for (const name of ['suspend', 'resume'] as const) {
      const route = API_ROUTES.privacy[name];
      props.api.throttleRoute(HttpMethod[route.method], route.path, PRIVACY_LIVE_ROUTE_THROTTLE);
    }

    // grantReadData on a table with indexes covers `<table>/index/*`: the Query on `byContact`.
    for (const table of [props.requests, props.recordings, props.decisions]) {
      const cfn = table.node.defaultChild;
      if (!(cfn instanceof CfnResource)) continue;
      acknowledge(
        fn.role!,
        ['solutions'],
        `IAM5[Resource::<${stack.getLogicalId(cfn)}.Arn>/index/*]`,
        'Generated by the CDK table read grant: the indexes of this one table (the requests byContact Query); no other table is reachable.',
      );
    }
    const instanceRef = props.contactCenter.instance
      ? `<${stack.getLogicalId(props.contactCenter.instance)}.Id>`
      : instanceId;
    acknowledge(
      fn.role!,
      ['solutions'],
      `IAM5[Resource::arn:aws:connect:${stack.region}:${stack.account}:instance/${instanceRef}/contact/*]`,
      'Suspend, resume and describe act on the live contact the caller names, not known at deploy time; the resource is limited to contacts of this one Connect instance.',
    );
  }
}
