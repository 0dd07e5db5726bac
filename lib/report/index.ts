export { acknowledgementsOf } from './acknowledgements';
export { AssemblyError, loadAssembly } from './assembly';
export { bucketAccessCheck, CHECKS, tableReadersCheck } from './checks';
export { buildReport, type ReportOptions, reportOnAssembly } from './engine';
export { type Access, type AccessQuery, principalsOf, whoCan } from './iam';
export { renderHtml, renderJson, renderMarkdown } from './render';
export { StackView } from './template';
export type * from './types';
