export * from './bundle';
export * from './clock';
export * from './output';
export * from './random';
export * from './run';
