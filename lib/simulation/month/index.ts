export * from './model';
export * from './people';
export * from './run-month';
export * from './wav';
