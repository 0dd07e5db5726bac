#!/usr/bin/env node
/**
 * The CDK app. The only place that reads the environment for infrastructure: the policy file
 * (`-c policyFile=path`, default recording-policy.json) and the target account.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { loadPolicy, PolicyError } from '../lib/policy/load';

const app = new App();
const policyFile = app.node.tryGetContext('policyFile') as string | undefined;

try {
  const policy = policyFile ? loadPolicy(policyFile) : loadPolicy();
  buildApp(policy, { app, account: process.env.CDK_DEFAULT_ACCOUNT });
  app.synth();
} catch (err) {
  if (err instanceof PolicyError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
