/**
 * Contact flows as deployed: the `Content` of an `AWS::Connect::ContactFlow` after synthesis is an
 * `Fn::Join` of JSON fragments and `Ref`/`Fn::GetAtt` objects; flattened with `{{Ref:X}}` /
 * `{{GetAtt:X.Attr}}` placeholders it is a flow document describeFlow and validateFlow read.
 */
import { describeFlow, type FlowFacts, type FlowValidationResult, validateFlow } from '../flows';
import type { StackView } from './template';

export interface DeployedFlow {
  readonly logicalId: string;
  readonly type: string;
  readonly content: string;
  /** Parse/validation problem, when the content is not a readable flow. */
  readonly error?: string;
  readonly facts?: FlowFacts;
  readonly validation?: FlowValidationResult;
}

/** `{{GetAtt:X.Arn}}` / `{{Ref:X}}` → X. */
export function placeholderTarget(text: string): string | undefined {
  return /^\{\{(?:GetAtt|Ref):([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}\}$/.exec(text)?.[1];
}

/** Flattened integration ARNs of the Lambda functions associated with a Connect instance. */
export function associatedLambdas(stack: StackView): string[] {
  return stack
    .ofType('AWS::Connect::IntegrationAssociation')
    .filter(([, r]) => r.Properties?.IntegrationType === 'LAMBDA_FUNCTION')
    .map(([, r]) => stack.flatten(r.Properties?.IntegrationArn));
}

export function deployedFlow(stack: StackView, logicalId: string): DeployedFlow {
  const r = stack.resource(logicalId);
  const type = typeof r?.Properties?.Type === 'string' ? r.Properties.Type : '(unknown)';
  const content = stack.flatten(r?.Properties?.Content);
  try {
    const validation = validateFlow(content, {
      associatedLambdaArns: associatedLambdas(stack),
      ...(type === 'CONTACT_FLOW' || type === 'AGENT_WHISPER' ? { flowType: type } : {}),
    });
    const facts = describeFlow(content);
    return { logicalId, type, content, facts, validation };
  } catch (err) {
    return { logicalId, type, content, error: err instanceof Error ? err.message : String(err) };
  }
}
