export * from './bundle';
export * from './clock';
export * from './env';
export * from './output';
export * from './random';
export * from './run';
