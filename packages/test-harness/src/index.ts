export * from './databases';
export * from './infrastructure';
export * from './kafka';
