export * from './backend-health';
export * from './backends';
export * from './runtime.module';
export * from './tokens';
export * from './bootstrap';
export * from './config-plane';
export * from './config-plane.lifecycle';
