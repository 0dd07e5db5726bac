import { describe, expect, it } from 'vitest';
import { globCovers, globIntersects, globMatch } from '../../../lib/report/glob';
import { principalLabel, whoCan } from '../../../lib/report/iam';
import { StackView } from '../../../lib/report/template';

describe('glob', () => {
  it.each([
    ['s3:Get*', 's3:GetObject', true],
    ['s3:*', 's3:GetObjectVersion', true],
    ['*', 'anything', true],
    ['s3:GetObject?', 's3:GetObjectX', true],
    ['s3:Put*', 's3:GetObject', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', false],
  ])('globMatch(%s, %s) = %s', (p, v, want) => expect(globMatch(p, v)).toBe(want));

  it.each([
    ['arn:aws:s3:::b/connect/*', 'arn:aws:s3:::b/*', true],
    ['arn:aws:s3:::*', 'arn:aws:s3:::b/*', true],
    ['arn:aws:s3:::other/*', 'arn:aws:s3:::b/*', false],
    ['*', 'x', true],
    ['a*c', 'ab*', true],
    ['a?c', 'a*d', false],
  ])('globIntersects(%s, %s) = %s', (a, b, want) => {
    expect(globIntersects(a, b)).toBe(want);
    expect(globIntersects(b, a)).toBe(want);
  });

  it.each([
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/connect/*', true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/*', true],
    ['*', 'arn:aws:s3:::b/*', true],
    ['arn:aws:s3:::b/connect/*', 'arn:aws:s3:::b/*', false],
    ['arn:aws:s3:::b/?', 'arn:aws:s3:::b/*', false],
  ])('globCovers(%s, %s) = %s', (a, b, want) => expect(globCovers(a, b)).toBe(want));
});

const objectsOf = (bucket: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] });
const role = (tag: string, statements: unknown[] = []) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    Policies: statements.length ? [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }] : [],
  },
  Metadata: { 'fairlisten:role': tag },
});

function stackWith(resources: Record<string, unknown>, bucketStatements: unknown[] = []): StackView {
  return new StackView({
    name: 'S',
    account: '111111111111',
    region: 'eu-central-1',
    template: {
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: {} },
        BP: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: { Bucket: { Ref: 'B' }, PolicyDocument: { Statement: bucketStatements } },
        },
        ...(resources as Record<string, never>),
      },
    },
  });
}

const readers = (stack: StackView) =>
  whoCan(stack, {
    actions: ['s3:GetObject'],
    resources: ['arn:aws:s3:::{{B}}/*'],
    resourcePolicies: [
      {
        logicalId: 'BP',
        property: 'Properties.PolicyDocument',
        document: stack.resource('BP')!.Properties!.PolicyDocument,
      },
    ],
  }).map((a) => principalLabel(a.principal));

const denyAllBut = (...roles: string[]) => ({
  Sid: 'OnlyNamedRolesReadRecordings',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['s3:GetObject', 's3:GetObjectVersion'],
  Resource: objectsOf('B'),
  ...(roles.length
    ? {
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': roles.map((r) => ({ 'Fn::GetAtt': [r, 'Arn'] })) } },
      }
    : {}),
});

describe('whoCan: who may read the bucket objects', () => {
  it('without a Deny, anyone outside the template may read', () => {
    expect(readers(stackWith({}))).toEqual(['any principal outside this template']);
  });

  it.each([
    ['s3:GetObject on objects', { Effect: 'Allow', Action: 's3:GetObject', Resource: objectsOf('B') }],
    [
      's3:Get* on a prefix',
      {
        Effect: 'Allow',
        Action: ['s3:Get*'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/connect/*']] },
      },
    ],
    ['s3:* on *', { Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    [
      '* on Fn::Sub ARN',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      { Effect: 'Allow', Action: '*', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${B}/*' } },
    ],
    ['NotAction s3:Put*', { Effect: 'Allow', NotAction: 's3:Put*', Resource: '*' }],
    [
      'an unresolvable resource',
      { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::ImportValue': 'x' } },
    ],
    [
      'a conditional Allow',
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEquals: { 'aws:x': 'y' } },
      },
    ],
  ])('a role excepted from the Deny with %s is a reader', (_n, statement) => {
    const s = stackWith({ R: role('role:reader', [statement]) }, [denyAllBut('R')]);
    expect(readers(s)).toEqual(['role:reader']);
  });

  it.each([
    [
      'another bucket',
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Other', 'Arn'] }, '/*']] },
      },
    ],
    ['another action', { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }],
    [
      'the bucket, not its objects',
      { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::GetAtt': ['B', 'Arn'] } },
    ],
    ['NotResource of the objects', { Effect: 'Allow', Action: 's3:*', NotResource: objectsOf('B') }],
  ])('a role with %s is not a reader', (_n, statement) => {
    const s = stackWith({ R: role('role:x', [statement]), Other: { Type: 'AWS::S3::Bucket' } }, [
      denyAllBut('R'),
    ]);
    expect(readers(s)).toEqual([]);
  });

  it('a role allowed by IAM but not excepted from the Deny is not a reader', () => {
    const s = stackWith({ R: role('role:x', [{ Effect: 'Allow', Action: '*', Resource: '*' }]) }, [
      denyAllBut(),
    ]);
    expect(readers(s)).toEqual([]);
  });

  it('an explicit Deny in the role itself wins', () => {
    const s = stackWith(
      {
        R: role('role:x', [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:Get*', Resource: '*' },
        ]),
      },
      [denyAllBut('R')],
    );
    expect(readers(s)).toEqual([]);
  });

  it('a Deny with an undecidable condition does not count (TLS deny)', () => {
    const tls = {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: objectsOf('B'),
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    expect(readers(stackWith({}, [tls]))).toEqual(['any principal outside this template']);
  });

  it('a wildcard exception opens the Deny to anyone it matches', () => {
    const deny = {
      ...denyAllBut(),
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/*' } },
    };
    expect(readers(stackWith({}, [deny]))).toEqual(['any principal outside this template']);
  });

  it('an external ARN excepted from the Deny is a reader (its policies are unknown)', () => {
    const deny = {
      ...denyAllBut(),
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/Admin'] } },
    };
    expect(readers(stackWith({}, [deny]))).toEqual(['arn:aws:iam::111111111111:role/Admin']);
  });

  it('policies attached by AWS::IAM::Policy and managed policies count', () => {
    const s = stackWith(
      {
        R: role('role:a'),
        P: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Roles: [{ Ref: 'R' }],
            PolicyDocument: {
              Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: objectsOf('B') },
            },
          },
        },
        R2: {
          ...role('role:b'),
          Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] },
        },
        R3: {
          ...role('role:c'),
          Properties: {
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          },
        },
        R4: { ...role('role:d'), Properties: { ManagedPolicyArns: [{ Ref: 'MP' }] } },
        MP: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 's3:GetObjectVersion', Resource: '*' }],
            },
          },
        },
      },
      [denyAllBut('R', 'R2', 'R3', 'R4')],
    );
    const got = whoCan(s, {
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: ['arn:aws:s3:::{{B}}/*'],
      resourcePolicies: [
        {
          logicalId: 'BP',
          property: 'Properties.PolicyDocument',
          document: s.resource('BP')!.Properties!.PolicyDocument,
        },
      ],
    });
    expect(got.map((a) => [principalLabel(a.principal), a.actions])).toEqual([
      ['role:a', ['s3:GetObject']],
      ['role:b', ['s3:GetObject', 's3:GetObjectVersion']],
      ['role:d', ['s3:GetObjectVersion']],
    ]);
  });

  it('a bucket-policy Allow to a service principal makes it a reader', () => {
    const allow = {
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: objectsOf('B'),
    };
    expect(readers(stackWith({}, [denyAllBut(), allow]))).toEqual([]);
    expect(readers(stackWith({}, [allow]))).toContain('service:logging.s3.amazonaws.com');
  });
});
