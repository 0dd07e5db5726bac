/** The Connect instance, created or imported, its recording storage and who may invoke the sampler. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { describeFlow } from '../../../lib/flows/describe';
import { type CfnTemplate, StackView } from '../../../lib/report/template';
import { recordingsBucketIdOf, synthStack } from '../../support/synth';

const { template } = synthStack();
const recordingsBucketId = recordingsBucketIdOf(template);

describe('Amazon Connect', () => {
  it('creates an instance from the policy alias', () => {
    template.hasResourceProperties('AWS::Connect::Instance', {
      InstanceAlias: 'fairlisten',
      IdentityManagementType: 'CONNECT_MANAGED',
      Attributes: Match.objectLike({ InboundCalls: true, ContactflowLogs: false }),
    });
  });

  it('keeps Contact Lens off by default: the instance attribute is off and no flow turns analytics on', () => {
    template.hasResourceProperties('AWS::Connect::Instance', {
      Attributes: Match.objectLike({ ContactLens: false }),
    });
    for (const flow of Object.values(template.findResources('AWS::Connect::ContactFlow'))) {
      expect(JSON.stringify(flow.Properties.Content)).not.toMatch(/AnalyticsBehavior|AnalyticsModes/);
    }
  });

  describe('with connect.contactLens: true', () => {
    const { stack, template: t } = synthStack({ connect: { contactLens: true } });
    const view = () =>
      new StackView({
        name: stack.stackName,
        account: stack.account,
        region: stack.region,
        template: t.toJSON() as CfnTemplate,
      });
    const flowOf = (type: string) => {
      const [id] = Object.entries(t.findResources('AWS::Connect::ContactFlow')).find(
        ([, r]) => r.Properties.Type === type,
      )!;
      return { id, content: view().flatten(view().resource(id)?.Properties?.Content) };
    };

    it('turns the instance attribute on', () => {
      t.hasResourceProperties('AWS::Connect::Instance', {
        Attributes: Match.objectLike({ ContactLens: true }),
      });
    });

    it('enables analytics in the whisper flow only, behind the sampler answering record=true', () => {
      const whisper = describeFlow(flowOf('AGENT_WHISPER').content);
      expect(whisper.analytics.actions).toHaveLength(1);
      expect(whisper.analytics.onlyWhenDrawn).toBe(true);
      const sampler = Object.keys(t.findResources('AWS::Lambda::Function')).find((id) =>
        id.startsWith('SamplingFunction'),
      );
      expect(whisper.analytics.guards.map((g) => g.functionArns)).toEqual([[`{{GetAtt:${sampler}.Arn}}`]]);
      const inbound = describeFlow(flowOf('CONTACT_FLOW').content);
      expect(inbound.analytics.actions).toEqual([]);
      expect(inbound.recording.enablesRecording).toBe(false);
    });

    it('changes nothing else in the template: only the instance attribute and the whisper flow', () => {
      const on = t.toJSON().Resources as Record<string, unknown>;
      const off = template.toJSON().Resources as Record<string, unknown>;
      expect(Object.keys(on).sort()).toEqual(Object.keys(off).sort());
      const changed = Object.keys(on).filter((id) => JSON.stringify(on[id]) !== JSON.stringify(off[id]));
      expect(changed.sort()).toEqual([
        expect.stringMatching(/^ContactCenterInstance/),
        expect.stringMatching(/^ContactCenterWhisperFlow/),
      ]);
    });
  });

  it('keeps flow logging off, and no flow turns it on (flow logs would copy contact attributes)', () => {
    const flows = Object.values(template.findResources('AWS::Connect::ContactFlow'));
    expect(flows.length).toBeGreaterThanOrEqual(2);
    for (const flow of flows) {
      expect(JSON.stringify(flow.Properties.Content)).not.toContain('UpdateFlowLoggingBehavior');
    }
  });

  it('stores call recordings in the recordings bucket with its KMS key', () => {
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      ResourceType: 'CALL_RECORDINGS',
      StorageType: 'S3',
      S3Config: {
        BucketName: { Ref: recordingsBucketId },
        BucketPrefix: 'connect/fairlisten/CallRecordings',
        EncryptionConfig: {
          EncryptionType: 'KMS',
          KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordingsKey'), 'Arn'] },
        },
      },
    });
    template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 1);
  });

  it('imports an existing instance by ARN instead of creating one', () => {
    const arn = 'arn:aws:connect:eu-central-1:111111111111:instance/0a1b2c3d-1111-2222-3333-444455556666';
    const { template: t } = synthStack({ connect: { existingInstanceArn: arn } });
    t.resourceCountIs('AWS::Connect::Instance', 0);
    t.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      InstanceArn: arn,
      ResourceType: 'CALL_RECORDINGS',
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      SourceArn: arn,
      Principal: 'connect.amazonaws.com',
    });
  });

  it('refuses an imported instance outside the policy region', () => {
    const arn = 'arn:aws:connect:us-east-1:111111111111:instance/0a1b2c3d-1111-2222-3333-444455556666';
    expect(() => synthStack({ connect: { existingInstanceArn: arn } })).toThrow(
      /existingInstanceArn is in us-east-1 but the stack .* are in eu-central-1/,
    );
  });

  it('lets only this instance invoke the sampler', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'connect.amazonaws.com',
      SourceAccount: '111111111111',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContactCenterInstance'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SamplingFunction'), 'Arn'] },
    });
  });

  describe('routing (deploy.md step 6)', () => {
    const arn = 'arn:aws:connect:eu-central-1:111111111111:instance/0a1b2c3d-1111-2222-3333-444455556666';
    const inboundId = () =>
      Object.entries(template.findResources('AWS::Connect::ContactFlow')).find(
        ([, r]) => r.Properties.Type === 'CONTACT_FLOW',
      )![0];

    it('gives a created instance a routing profile that takes the fairlisten queue’s calls', () => {
      const queue = Object.keys(template.findResources('AWS::Connect::Queue'))[0]!;
      template.resourceCountIs('AWS::Connect::RoutingProfile', 1);
      template.hasResourceProperties('AWS::Connect::RoutingProfile', {
        InstanceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContactCenterInstance'), 'Arn'] },
        Name: 'fairlisten',
        DefaultOutboundQueueArn: { 'Fn::GetAtt': [queue, 'QueueArn'] },
        MediaConcurrencies: [{ Channel: 'VOICE', Concurrency: 1 }],
        QueueConfigs: [
          {
            Delay: 0,
            Priority: 1,
            QueueReference: { Channel: 'VOICE', QueueArn: { 'Fn::GetAtt': [queue, 'QueueArn'] } },
          },
        ],
      });
      template.hasOutput('RoutingProfileArn', Match.anyValue());
    });

    it('claims no phone number by default (a claimed number is billed)', () => {
      template.resourceCountIs('AWS::Connect::PhoneNumber', 0);
      template.resourceCountIs('Custom::AWS', 0);
    });

    it('leaves an imported instance’s routing profiles alone unless asked', () => {
      const imported = synthStack({ connect: { existingInstanceArn: arn } }).template;
      imported.resourceCountIs('AWS::Connect::RoutingProfile', 0);
      expect(Object.keys(imported.toJSON().Outputs)).not.toContain('RoutingProfileArn');
      const asked = synthStack(
        { connect: { existingInstanceArn: arn } },
        { build: { routingProfile: true } },
      );
      asked.template.hasResourceProperties('AWS::Connect::RoutingProfile', { InstanceArn: arn });
      synthStack({}, { build: { routingProfile: false } }).template.resourceCountIs(
        'AWS::Connect::RoutingProfile',
        0,
      );
    });

    it('claims a number and routes it to the inbound flow, allowed on that number and that flow only', () => {
      const { template: t } = synthStack(
        {},
        { build: { phoneNumber: { countryCode: 'FR', type: 'DID', prefix: '+331' } } },
      );
      const numbers = t.findResources('AWS::Connect::PhoneNumber');
      const [numberId, number] = Object.entries(numbers)[0]!;
      expect(Object.keys(numbers)).toHaveLength(1);
      expect(number.Properties).toMatchObject({
        TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^ContactCenterInstance/), 'Arn'] },
        CountryCode: 'FR',
        Type: 'DID',
        Prefix: '+331',
      });
      const flowArn = { 'Fn::GetAtt': [inboundId(), 'ContactFlowArn'] };
      const numberArn = { 'Fn::GetAtt': [numberId, 'PhoneNumberArn'] };
      const [, association] = Object.entries(t.findResources('Custom::AWS'))[0]!;
      const create = JSON.stringify(association.Properties.Create);
      expect(create).toContain('associatePhoneNumberContactFlow');
      // The flow by its id (the ARN's last segment), the number by its ARN, as the API documents them.
      const parts = association.Properties.Create['Fn::Join'][1] as unknown[];
      const flowAt = parts.findIndex((p) => JSON.stringify(p).includes('ContactFlowArn'));
      expect(String(parts[flowAt - 1])).toMatch(/"ContactFlowId":"$/);
      expect(parts[flowAt]).toEqual({ 'Fn::Select': [3, { 'Fn::Split': ['/', flowArn] }] });
      expect(create).toContain(JSON.stringify(numberArn).slice(1, -1));
      expect(JSON.stringify(association.Properties.Delete)).toContain('disassociatePhoneNumberContactFlow');
      const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
      );
      const connect = statements.filter((s) => JSON.stringify(s.Action).includes('PhoneNumberContactFlow'));
      // Exactly the resource types the Service Authorization Reference lists per action: the
      // association on the number and the flow, the disassociation on the number alone.
      expect(connect).toEqual([
        {
          Action: 'connect:AssociatePhoneNumberContactFlow',
          Effect: 'Allow',
          Resource: expect.arrayContaining([numberArn, flowArn]),
        },
        { Action: 'connect:DisassociatePhoneNumberContactFlow', Effect: 'Allow', Resource: numberArn },
      ]);
      expect(connect[0]!.Resource).toHaveLength(2);
      // Nothing else on the custom resource's role reaches Connect.
      const role = Object.entries(t.findResources('AWS::IAM::Role')).find(([id]) =>
        id.includes('PhoneNumberFlowRole'),
      )![0];
      const ofRole = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(role),
      );
      const actions = ofRole.flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
      );
      expect(actions.filter((a) => a.startsWith('connect:')).sort()).toEqual([
        'connect:AssociatePhoneNumberContactFlow',
        'connect:DisassociatePhoneNumberContactFlow',
      ]);
      t.hasOutput('PhoneNumber', { Value: { 'Fn::GetAtt': [numberId, 'Address'] } });
    });

    it.each([
      [
        { countryCode: 'France', type: 'DID' as const },
        /countryCode must be an ISO 3166-1 alpha-2 code such as FR, got "France"/,
      ],
      [
        { countryCode: 'FR', type: 'DID' as const, prefix: '331' },
        /prefix must be \+ and 1–15 digits, got "331"/,
      ],
    ])('refuses a malformed phone number claim %j', (phoneNumber, message) => {
      expect(() => synthStack({}, { build: { phoneNumber } })).toThrow(message);
    });
  });
});
