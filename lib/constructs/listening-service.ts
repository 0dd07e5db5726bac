import { Duration, Stack } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assignmentEnvironment } from '../../lambda/assignment/config';
import { HARD_LIMITS, type RecordingPolicy } from '../../lambda/core/policy';
import { REPORTS_PREFIX } from '../../lambda/core/transparency/render/files';
import { monthlyReportEnvironment } from '../../lambda/monthly-report/config';
import { coachingEnvironment } from '../../lambda/plans/config';
import { playbackEnvironment } from '../../lambda/playback/config';
import { DEFAULT_COACH_GROUP_NAME, listeningPolicyOf } from '../../lambda/shared/listening-config';
import { reportPolicyOf } from '../../lambda/shared/report-config';
import { API_ROUTES, type RouteSpec } from '../../lambda/shared/routes';
import { viewsEnvironment } from '../../lambda/views/config';
import type { AuditLog } from './audit-log';
import type { ContactCenter } from './contact-center';
import type { FairlistenApi } from './fairlisten-api';
import { FairlistenFunction } from './fairlisten-function';
import { FairlistenTable } from './fairlisten-table';
import { acknowledge } from './nag';
import type { RecordingsBucket } from './recordings-bucket';

export interface ListeningServiceProps {
  readonly policy: RecordingPolicy;
  readonly api: FairlistenApi;
  /** Key of the listening and plans tables and of the functions' log groups. */
  readonly dataKey: IKey;
  /** The playback role becomes the one listening-side reader of audio. */
  readonly recordings: RecordingsBucket;
  /** The Connect instance whose agent hierarchy defines teams and coaches. */
  readonly contactCenter: Pick<ContactCenter, 'instanceId' | 'instance'>;
  /**
   * The recordings index (`recordings` table): recording state and period of each contact.
   * @default - none: nothing is assigned, every playback is refused (503), /me shows no contacts
   */
  readonly recordingsIndex?: ITable;
  /**
   * Deletion and redaction requests, counted in the transparency report.
   * @default - none: not counted
   */
  readonly requests?: ITable;
  /**
   * The sampler's decisions, counted (calls decided, recorded) in the transparency report.
   * @default - none: not counted
   */
  readonly decisions?: ITable;
  /**
   * Audit bucket holding the public seed objects `transparency/seeds/<period>.json`: the
   * assignment reads the revealed seed there, the transparency view the commitment and reveal.
   * @default - none: no seed is ever available, so nothing is assigned
   */
  readonly auditBucket?: IBucket;
  /** The audit log the assignment, playback and coaching functions append to (listens, plans). */
  readonly audit: AuditLog;
  /**
   * Name of the hierarchy group, below a team, that holds the team's coaches (lambda/shared/roster.ts).
   * @default 'Coaches'
   */
  readonly coachGroupName?: string;
  /**
   * Playback URLs a coach may get for one assigned listen (to resume when a URL expired mid-call).
   * @default 2
   */
  readonly playsPerListen?: number;
  /**
   * When the assignment runs (UTC); daily, it acts once per period after the period's seed reveal.
   * @default Schedule.cron({ minute: '0', hour: '2' }) — after the seed function's 00:15 run
   */
  readonly assignmentSchedule?: Schedule;
  /**
   * When the monthly report function runs (UTC); daily, it stores the previous period's report
   * once that period's listens are assigned (needs `decisions` and `auditBucket`).
   * @default Schedule.cron({ minute: '0', hour: '4' }) — after the seed reveal (00:15) and the assignment (02:00)
   */
  readonly reportSchedule?: Schedule;
}

/** The routes this construct adds to the API, by function (lambda/shared/routes.ts). */
const routesOf = (fn: 'playback' | 'coaching' | 'views') =>
  Object.values<RouteSpec>(API_ROUTES[fn]).map((r) => [HttpMethod[r.method], r.path] as const);
export const LISTENING_ROUTES = {
  playback: routesOf('playback'),
  coaching: routesOf('coaching'),
  views: routesOf('views'),
};

/**
 * Listening governance at runtime: the listening and plans tables, the daily
 * assignment (roster from Connect, revealed seed, cross-team capped lottery), playback (audit
 * first, then a short presigned URL — the only listening-side audio reader), coaching plans and
 * evaluations, and the agent's and the council's views.
 */
export class ListeningService extends Construct {
  readonly listening: FairlistenTable;
  readonly plans: FairlistenTable;
  readonly assignment: FairlistenFunction;
  readonly playback: FairlistenFunction;
  readonly coaching: FairlistenFunction;
  readonly views: FairlistenFunction;
  readonly schedule: Rule;
  /** The monthly report (only with `decisions` and `auditBucket`). */
  readonly monthlyReport?: FairlistenFunction;
  readonly reportSchedule?: Rule;

  constructor(scope: Construct, id: string, props: ListeningServiceProps) {
    super(scope, id);
    const { policy } = props;
    const plays = props.playsPerListen ?? 2;
    if (!Number.isInteger(plays) || plays < 1 || plays > 3) {
      throw new Error(`playsPerListen must be a whole number 1..3, got ${plays}`);
    }
    const coachGroupName = (props.coachGroupName ?? DEFAULT_COACH_GROUP_NAME).trim();
    if (coachGroupName === '') throw new Error('coachGroupName must not be empty');
    const ttl = HARD_LIMITS.playbackUrlTtlSeconds;
    if (
      !Number.isInteger(policy.playbackUrlTtlSeconds) ||
      policy.playbackUrlTtlSeconds < 1 ||
      policy.playbackUrlTtlSeconds > ttl.max
    ) {
      throw new Error(
        `policy.playbackUrlTtlSeconds must be 1..${ttl.max}, got ${policy.playbackUrlTtlSeconds}`,
      );
    }

    this.listening = new FairlistenTable(this, 'Listening', {
      name: 'listening',
      encryptionKey: props.dataKey,
    });
    this.plans = new FairlistenTable(this, 'Plans', { name: 'plans', encryptionKey: props.dataKey });
    const listening = this.listening.table;
    const plans = this.plans.table;

    // The listening rule and roster source the assignment and the views share.
    const shared = {
      listeningTable: listening.tableName,
      plansTable: plans.tableName,
      policy: listeningPolicyOf(policy, plays),
      roster: {
        instanceId: props.contactCenter.instanceId,
        teamLevel: policy.connect.teamHierarchyLevel,
        coachGroupName,
      },
    };
    const identity = props.api.identity;
    const fn = (
      cid: string,
      handlerDir: string,
      description: string,
      environment: Record<string, string>,
      options: { timeout?: number; writesAudit?: boolean } = {},
    ) =>
      new FairlistenFunction(this, cid, {
        handlerDir,
        serviceName: `fairlisten-${handlerDir === 'plans' ? 'coaching' : handlerDir}`,
        description,
        logKey: props.dataKey,
        logRetentionDays: policy.auditRetentionDays,
        timeout: Duration.seconds(options.timeout ?? 10),
        environment,
        writesAudit: options.writesAudit,
      });

    this.assignment = fn(
      'Assignment',
      'assignment',
      'fairlisten assignment: cross-team, capped listens of the previous period from its revealed seed (C2, C5, C8, C10)',
      assignmentEnvironment({
        ...shared,
        recordingsTable: props.recordingsIndex?.tableName,
        transparencyBucket: props.auditBucket?.bucketName,
      }),
      { timeout: 300, writesAudit: true },
    );
    this.playback = fn(
      'Playback',
      'playback',
      'fairlisten playback: assigned coach only, audit first, then a short presigned URL (C3)',
      playbackEnvironment(
        {
          listeningTable: listening.tableName,
          recordingsTable: props.recordingsIndex?.tableName,
          bucket: props.recordings.bucket.bucketName,
        },
        { playbackUrlTtlSeconds: policy.playbackUrlTtlSeconds, identity },
      ),
      { writesAudit: true },
    );
    this.coaching = fn(
      'Coaching',
      'plans',
      'fairlisten coaching: plans approved by the DPO, structured evaluations (C5, C7)',
      coachingEnvironment(
        { plansTable: plans.tableName, listeningTable: listening.tableName, roster: shared.roster },
        { timezone: policy.timezone, coachingPlan: policy.coachingPlan, identity },
      ),
      { writesAudit: true },
    );
    this.views = fn(
      'Views',
      'views',
      'fairlisten views: /me for agents, /transparency aggregates for the works council',
      viewsEnvironment(
        {
          ...shared,
          recordingsTable: props.recordingsIndex?.tableName,
          requestsTable: props.requests?.tableName,
          decisionsTable: props.decisions?.tableName,
          transparencyBucket: props.auditBucket?.bucketName,
          reportPolicy: reportPolicyOf(policy),
        },
        identity,
      ),
      // Reads of the stored monthly report are audited.
      { timeout: 30, writesAudit: true },
    );

    // Data grants: each function what it uses, no more.
    listening.grantReadWriteData(this.assignment);
    plans.grantReadData(this.assignment);
    listening.grantReadData(this.playback);
    listening.grant(this.playback, 'dynamodb:UpdateItem');
    plans.grantReadWriteData(this.coaching);
    listening.grantReadData(this.coaching);
    listening.grant(this.coaching, 'dynamodb:PutItem');
    props.dataKey.grantEncryptDecrypt(this.playback);
    props.dataKey.grantEncryptDecrypt(this.coaching);
    listening.grantReadData(this.views);
    plans.grantReadData(this.views);
    for (const reader of [this.assignment, this.playback, this.views])
      props.recordingsIndex?.grantReadData(reader);
    props.requests?.grantReadData(this.views);
    props.decisions?.grantReadData(this.views);
    // Audio: the playback role only, read only (it signs URLs; it never deletes).
    props.recordings.grantRecordingRead(this.playback.role!);

    const stack = Stack.of(this);
    if (props.auditBucket) {
      const seeds = props.auditBucket.arnForObjects('transparency/seeds/*');
      for (const reader of [this.assignment, this.views]) {
        reader.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [seeds] }));
        props.auditBucket.encryptionKey?.grantDecrypt(reader);
        acknowledge(
          reader.role!,
          ['solutions'],
          `IAM5[Resource::<${stack.getLogicalId(props.auditBucket.node.defaultChild as never)}.Arn>/transparency/seeds/*]`,
          'The public seed commitment and reveal objects are named per period at run time; GetObject only, limited to the transparency/seeds/ prefix of the audit bucket.',
        );
      }
    }

    // Connect: the roster (users and hierarchy groups of this one instance), read only.
    const instance = stack.formatArn({
      service: 'connect',
      resource: 'instance',
      resourceName: props.contactCenter.instanceId,
    });
    for (const reader of [this.assignment, this.coaching, this.views]) {
      reader.addToRolePolicy(
        new PolicyStatement({
          actions: ['connect:ListUsers', 'connect:DescribeUser', 'connect:DescribeUserHierarchyGroup'],
          resources: [instance, `${instance}/agent/*`, `${instance}/agent-group/*`],
        }),
      );
    }

    // cdk-nag: the wildcards above, each on the role that has it, with its reason.
    const indexReason =
      'DynamoDB grants cover the table’s global secondary indexes (byAgent, byCoach), named by the table layout; the resource is limited to the indexes of this one table.';
    const indexesOf = (tables: readonly (ITable | undefined)[]) =>
      tables.filter((t): t is ITable => t !== undefined && t.node.defaultChild !== undefined);
    const grantsByRole: [FairlistenFunction, (ITable | undefined)[]][] = [
      [this.assignment, [listening, plans, props.recordingsIndex]],
      [this.playback, [listening, props.recordingsIndex]],
      [this.coaching, [listening, plans]],
      [this.views, [listening, plans, props.recordingsIndex, props.requests, props.decisions]],
    ];
    for (const [f, tables] of grantsByRole) {
      for (const table of indexesOf(tables)) {
        acknowledge(
          f.role!,
          ['solutions'],
          `IAM5[Resource::<${stack.getLogicalId(table.node.defaultChild as never)}.Arn>/index/*]`,
          indexReason,
        );
      }
    }
    const instanceRef = props.contactCenter.instance
      ? `<${stack.getLogicalId(props.contactCenter.instance)}.Id>`
      : props.contactCenter.instanceId;
    for (const reader of [this.assignment, this.coaching, this.views]) {
      for (const kind of ['agent', 'agent-group']) {
        acknowledge(
          reader.role!,
          ['solutions'],
          `IAM5[Resource::arn:aws:connect:${stack.region}:${stack.account}:instance/${instanceRef}/${kind}/*]`,
          'The roster reads every user and hierarchy group of the Connect instance (read-only Describe calls); users and groups are not known at deploy time, and the resource is limited to this one instance.',
        );
      }
    }
    acknowledge(
      this.playback.role!,
      ['solutions'],
      `IAM5[Resource::<${stack.getLogicalId(props.recordings.bucket.node.defaultChild as never)}.Arn>/*]`,
      'Connect names each recording object at run time; the function signs a short GET URL only for the one recording assigned to the calling coach, after the assignment and audit checks. Read actions only, no delete.',
    );

    for (const f of [this.assignment, this.playback, this.coaching, this.views]) props.audit.bindWriter(f);

    // The monthly report: rendered from the tables, stored once in the audit bucket (EU, its key,
    // its lifecycle and Object Lock retention of auditRetentionDays), served by GET /transparency/{period}.
    if (props.decisions && props.auditBucket) {
      const bucket = props.auditBucket;
      const reports = bucket.arnForObjects(`${REPORTS_PREFIX}*`);
      const report = fn(
        'MonthlyReport',
        'monthly-report',
        'fairlisten monthly report: the previous period’s transparency report (fr, en; HTML, CSV) from the tables, stored once in the audit bucket (C1–C10)',
        monthlyReportEnvironment({
          decisionsTable: props.decisions.tableName,
          listeningTable: listening.tableName,
          plansTable: plans.tableName,
          requestsTable: props.requests?.tableName,
          auditBucket: bucket.bucketName,
          reportPolicy: reportPolicyOf(policy),
        }),
        { timeout: 300, writesAudit: true },
      );
      props.decisions.grantReadData(report);
      listening.grantReadData(report);
      plans.grantReadData(report);
      props.requests?.grantReadData(report);
      props.audit.bindWriter(report);
      report.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [bucket.arnForObjects('transparency/seeds/*')],
        }),
      );
      // Write and read its own reports (HeadObject needs ListBucket to see a missing key as 404).
      report.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [reports] }),
      );
      report.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${REPORTS_PREFIX}*`] } },
        }),
      );
      bucket.encryptionKey?.grantEncryptDecrypt(report);
      this.views.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [reports] }));
      for (const [role, what] of [
        [report.role!, 'writes'],
        [this.views.role!, 'reads'],
      ] as const) {
        acknowledge(
          role,
          ['solutions'],
          `IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as never)}.Arn>/${REPORTS_PREFIX}*]`,
          `The monthly reports are named per period and language at run time; the function ${what} objects under the transparency/reports/ prefix of the audit bucket only (no delete; Object Lock keeps every version).`,
        );
      }
      acknowledge(
        report.role!,
        ['solutions'],
        `IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as never)}.Arn>/transparency/seeds/*]`,
        'The public seed commitment and reveal objects are named per period at run time; GetObject only, limited to the transparency/seeds/ prefix of the audit bucket.',
      );
      for (const table of indexesOf([props.decisions, listening, plans, props.requests])) {
        acknowledge(
          report.role!,
          ['solutions'],
          `IAM5[Resource::<${stack.getLogicalId(table.node.defaultChild as never)}.Arn>/index/*]`,
          indexReason,
        );
      }
      this.monthlyReport = report;
      this.reportSchedule = new Rule(this, 'MonthlyReportSchedule', {
        description:
          'fairlisten: store the previous period’s transparency report once its listens are assigned',
        schedule: props.reportSchedule ?? Schedule.cron({ minute: '0', hour: '4' }),
        targets: [new LambdaFunction(report, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
      });
      acknowledge(
        this.reportSchedule,
        ['serverless'],
        'EventBusDLQ',
        'The scheduled event carries no data and every run is idempotent: a run lost after its retries is redone by the next daily run; a stored report is never written again.',
      );
    }

    for (const [method, path] of LISTENING_ROUTES.playback)
      props.api.addRoute(`Playback${routeId(path)}`, method, path, this.playback);
    for (const [method, path] of LISTENING_ROUTES.coaching)
      props.api.addRoute(`Coaching${routeId(path)}`, method, path, this.coaching);
    for (const [method, path] of LISTENING_ROUTES.views)
      props.api.addRoute(`Views${routeId(path)}`, method, path, this.views);

    this.schedule = new Rule(this, 'Daily', {
      description: 'fairlisten: assign the previous period’s listens once its seed is revealed',
      schedule: props.assignmentSchedule ?? Schedule.cron({ minute: '0', hour: '2' }),
      targets: [new LambdaFunction(this.assignment, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
    acknowledge(
      this.schedule,
      ['serverless'],
      'EventBusDLQ',
      'The scheduled event carries no data and every run is idempotent: a run lost after its retries is redone by the next daily run, which continues an interrupted assignment.',
    );
  }
}

const routeId = (path: string): string =>
  path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, ''))
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');
