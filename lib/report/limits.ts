/**
 * What the IAM evaluator (./iam.ts) does not see, stated in the report itself so that a reviewer
 * reads "who may read recordings" with its limits beside it. Each limit says what is left out, which
 * way that errs, and what covers it instead (a check, a test, or nothing).
 */
export interface EvaluatorLimit {
  /** Stable key, for tests and anchors. */
  readonly id: string;
  readonly what: string;
  readonly consequence: string;
}

export const EVALUATOR_LIMITS: readonly EvaluatorLimit[] = [
  {
    id: 'kms',
    what: 'KMS key policies and KMS grants',
    consequence:
      'Reading a recording also needs kms:Decrypt on the recordings key, which the evaluator does not model: ' +
      'who holds a grant (Amazon Connect gets one when its storage is associated; CDK grants add others) is ' +
      'not checked. The S3 side it does check is enough to read nothing, so this errs towards listing too ' +
      'many readers, never too few. No check of this report reads the key policy either.',
  },
  {
    id: 'scp',
    what: 'Service control policies and resource control policies (AWS Organizations)',
    consequence:
      'They live outside the template. They can only take permissions away, so ignoring them lists ' +
      'readers an organisation policy may in fact block, never hides one.',
  },
  {
    id: 'boundary',
    what: 'Permission boundaries and session policies',
    consequence:
      'Not read, for the same reason: they can only narrow what an identity policy allows, so a role is ' +
      'listed as a reader even if its boundary forbids it.',
  },
  {
    id: 'unseen-resource-policies',
    what: 'Resource policies the template does not hold',
    consequence:
      'Only the bucket policies of this template are read. A policy changed after deployment (console, ' +
      'another stack), S3 Access Points and object ACLs are not seen (the recordings bucket enforces ' +
      'bucket-owner ownership, so ACLs grant nothing there). fairlisten report --deployed shows a ' +
      'template changed through CloudFormation, not a policy edited directly.',
  },
  {
    id: 'conditions',
    what: 'Conditions other than aws:PrincipalArn',
    consequence:
      'An Allow with conditions is assumed to apply (the grant is marked conditional); a Deny counts only ' +
      'when its condition is one the evaluator decides. Request headers (the encryption a write asks for) ' +
      'are not modelled: the denies on encryption are checked by template assertions instead.',
  },
  {
    id: 'connect-service-linked-role',
    what: 'The Amazon Connect service-linked role exception',
    consequence:
      'The recordings bucket denies writes to everyone except Amazon Connect’s service-linked role ' +
      '(roles under aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*, a path only ' +
      'AWS can create) and the two roles that apply deletions and redactions. What Connect writes with ' +
      'that role, and under which key of the bucket, is decided by the Connect service, not by the template.',
  },
];
