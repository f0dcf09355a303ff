// Public surface of the command contract shared by ingest, rules, sync and delivery.
export * from './attributes.ts';
export * from './command.ts';
export * from './command-id.ts';
export * from './envelope.ts';
export * from './message-group.ts';
export * from './provenance.ts';
export * from './queue-message.ts';
