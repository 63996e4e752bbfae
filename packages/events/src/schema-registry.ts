import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { EventEnvelope } from './envelope';

/** schemas/events at the repository root. */
export const EVENT_SCHEMAS_DIR = resolve(__dirname, '../../../schemas/events');

export class EventSchemaError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'EventSchemaError';
  }
}

/**
 * Every event type has a JSON Schema for its payload, named `<type>.v<version>.json`, plus the
 * shared `envelope.json`. Unknown types are refused: an event without a schema cannot be produced.
 */
export class EventSchemaRegistry {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly payloadValidators = new Map<string, ValidateFunction>();
  private readonly envelopeValidator: ValidateFunction;

  constructor(dirs: string[] = [EVENT_SCHEMAS_DIR]) {
    // Formats by their shape (ajv-formats' fast mode): a date-time is checked as ISO 8601 with an
    // offset, not against the calendar (2026-02-30 passes). Checking every date against the
    // calendar made validation three times dearer, and every event is validated as it is appended.
    addFormats(this.ajv, { mode: 'fast' });
    let envelope: ValidateFunction | undefined;
    for (const dir of dirs) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
        const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
        if (file === 'envelope.json') {
          envelope ??= this.ajv.compile(schema);
          continue;
        }
        const match = /^(.+)\.v(\d+)\.json$/.exec(file);
        if (!match) throw new Error(`Event schema file ${file} must be named <type>.v<version>.json`);
        this.payloadValidators.set(`${match[1]}@${match[2]}`, this.ajv.compile(schema));
      }
    }
    if (!envelope) throw new Error(`No envelope.json among ${dirs.join(', ')}`);
    this.envelopeValidator = envelope;
  }

  has(type: string, version: number): boolean {
    return this.payloadValidators.has(`${type}@${version}`);
  }

  types(): string[] {
    return [...this.payloadValidators.keys()];
  }

  /** Throws EventSchemaError when the envelope (not its payload) is invalid. */
  validateEnvelope(envelope: unknown): asserts envelope is EventEnvelope {
    if (!this.envelopeValidator(envelope)) {
      throw new EventSchemaError('Invalid event envelope', this.describe(this.envelopeValidator));
    }
  }

  /** Throws EventSchemaError with every problem when the envelope or its payload is invalid. */
  validate(envelope: EventEnvelope): void {
    this.validateEnvelope(envelope);
    const validator = this.payloadValidators.get(`${envelope.type}@${envelope.version}`);
    if (!validator) {
      throw new EventSchemaError(`No schema for event ${envelope.type} v${envelope.version}`, []);
    }
    if (!validator(envelope.payload)) {
      throw new EventSchemaError(`Invalid payload for ${envelope.type} v${envelope.version}`, this.describe(validator));
    }
  }

  private describe(validator: ValidateFunction): string[] {
    return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  }
}
