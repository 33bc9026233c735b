export * from './alarm-evaluator';
export * from './alarm-rule';
export * from './alarm-rule-set';
export * from './default-alarm-rules';
