"""The fixed part of the generated TypeScript module: problems, calls, validation, the tracker.

Text, not code cioctl runs. The checks mirror ``cioctl.events.schema`` and
``cioctl.events.formats`` for JSON values (the agreement test holds them to the same verdicts as
``cioctl events check``); a key whose value is ``undefined`` counts as absent, as
``JSON.stringify`` drops it. Python's ``$`` also matches before one final newline: the
date-time and URI tests drop one trailing ``\\n`` first to agree. Nothing here needs Node's or
the DOM's types: ``process`` and ``console`` are reached through ``globalThis``.
"""

from __future__ import annotations

RUNTIME = r"""
export type Validation = "off" | "warn" | "raise";

/** One way a payload differs from its declaration (error: false is a warning). */
export interface Problem {
  readonly path: string;
  readonly message: string;
  readonly error: boolean;
}

/** A call whose data does not match the definitions (validation "raise"). */
export class TrackingValidationError extends Error {
  constructor(readonly eventName: string, readonly problems: readonly Problem[]) {
    super(`${eventName}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
    this.name = "TrackingValidationError";
  }
}

/** One call the tracker sends: an event ("track") or attributes ("identify"). */
export interface Call {
  readonly kind: "track" | "identify";
  readonly personId: string;
  readonly name: string | null;
  readonly data: Record<string, unknown>;
  readonly timestamp?: number;
}

/** Any function taking a Call can stand in for a Customer.io client. */
export type Send = (call: Call) => unknown;

/** What the tracker needs of a client: customerio-node's TrackClient fits. */
export interface TrackClientLike {
  track(customerId: string,
        data: { name: string; data: Record<string, unknown>; timestamp?: number }): unknown;
  identify?(customerId: string, data: Record<string, unknown>): unknown;
}

export interface TrackOptions {
  /** When the event happened, in Unix seconds (default: when Customer.io receives it). */
  readonly timestamp?: number;
}

interface FieldSpec {
  readonly type: string;
  readonly required: boolean;
  readonly enum: readonly (string | number | boolean)[] | null;
  readonly format: string | null;
}

type Fields = ReadonlyMap<string, FieldSpec>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = new RegExp(@@DATE_TIME@@);
const URI = new RegExp(
@@URI@@,
);

const isInteger = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);

const TYPES: ReadonlyMap<string, readonly [(v: unknown) => boolean, string]> = new Map([
  ["string", [(v: unknown) => typeof v === "string", "string"]],
  ["number", [(v: unknown) => typeof v === "number", "number"]],
  ["integer", [isInteger, "integer"]],
  ["boolean", [(v: unknown) => typeof v === "boolean", "boolean"]],
  ["timestamp", [(v: unknown) => typeof v === "string" || isInteger(v),
    "timestamp (Unix seconds or an RFC 3339 date-time)"]],
  ["array", [(v: unknown) => Array.isArray(v), "array"]],
  ["object", [(v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v), "object"]],
] as const);

const withoutFinalNewline = (v: string): string => (v.endsWith("\n") ? v.slice(0, -1) : v);

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function isDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const [year, month, day] = v.split("-").map(Number) as [number, number, number];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function isDateTime(v: string): boolean {
  const match = DATE_TIME.exec(withoutFinalNewline(v.toUpperCase()));
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year !== 0 && day >= 1 && day <= daysIn(year, month);
}

const FORMATS: ReadonlyMap<string, (v: string) => boolean> = new Map([
  ["email", (v: string) => v.includes("@")],
  ["uri", (v: string) => URI.test(withoutFinalNewline(v))],
  ["date", isDate],
  ["date-time", isDateTime],
]);

function jsonType(v: unknown): string {
  if (typeof v === "boolean" || typeof v === "string") return typeof v;
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" && v !== null ? "object" : v === undefined ? "undefined" : "null";
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}

function inEnum(v: unknown, choices: readonly (string | number | boolean)[]): boolean {
  if (typeof v === "boolean") return choices.some((c) => c === v);
  if (typeof v === "string" || typeof v === "number") {
    return choices.some((c) => typeof c !== "boolean" && c === v);
  }
  return false;
}

function valueProblem(spec: FieldSpec, v: unknown): string | null {
  const [isType, label] = TYPES.get(spec.type) ?? [() => true, spec.type];
  if (!isType(v)) return `expected ${label}, got ${jsonType(v)} ${show(v)}`;
  if (spec.enum !== null && !inEnum(v, spec.enum)) {
    return `${show(v)} is not one of: ${spec.enum.join(", ")}`;
  }
  const test = spec.format === null ? undefined : FORMATS.get(spec.format);
  if (test !== undefined && typeof v === "string" && !test(v)) {
    return `${show(v)} is not a valid ${spec.format ?? ""}`;
  }
  return null;
}

const path = (root: string, key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${root}.${key}` : `${root}[${JSON.stringify(key)}]`;

function check(fields: Fields, data: Readonly<Record<string, unknown>>, root: string): Problem[] {
  const found: Problem[] = [];
  for (const [key, spec] of fields) {
    const present = Object.prototype.hasOwnProperty.call(data, key) && data[key] !== undefined;
    if (spec.required && !present) {
      const message = `missing required property '${key}'`;
      found.push({ path: path(root, key), message, error: true });
    }
  }
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (value === undefined) continue;
    const spec = fields.get(key);
    if (spec === undefined) {
      const message = `'${key}' is not a declared property`;
      found.push({ path: path(root, key), message, error: false });
      continue;
    }
    const message = valueProblem(spec, value);
    if (message !== null) found.push({ path: path(root, key), message, error: true });
  }
  return found;
}

/** The problems of an event's data, as `cioctl events check` finds them. */
export function validateEvent(name: string, data: Readonly<Record<string, unknown>>): Problem[] {
  const fields = EVENTS.get(name);
  if (fields === undefined) {
    return [{ path: "$.name", message: `unknown event '${name}'`, error: true }];
  }
  return check(fields, data, "$.data");
}

/** The problems of a person's attributes against the declared attributes. */
export function validateAttributes(attributes: Readonly<Record<string, unknown>>): Problem[] {
  return check(ATTRIBUTES, attributes, "$.attributes");
}

type Env = Readonly<Record<string, string | undefined>>;

/** CIO_TRACKING_VALIDATION when set; else "raise" under Jest, Vitest or NODE_ENV=test;
 * else "warn". */
export function defaultValidation(): Validation {
  const env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {};
  const chosen = env["CIO_TRACKING_VALIDATION"];
  if (chosen === "off" || chosen === "warn" || chosen === "raise") return chosen;
  const underTest = env["JEST_WORKER_ID"] !== undefined || env["VITEST"] !== undefined
    || env["NODE_ENV"] === "test";
  return underTest ? "raise" : "warn";
}

function warn(message: string): void {
  (globalThis as { console?: { warn(text: string): void } }).console?.warn(message);
}

function clientSender(client: TrackClientLike): Send {
  return (call: Call): unknown => {
    if (call.kind === "track" && call.name !== null) {
      const body = call.timestamp === undefined
        ? { name: call.name, data: call.data }
        : { name: call.name, data: call.data, timestamp: call.timestamp };
      return client.track(call.personId, body);
    }
    if (client.identify === undefined) throw new Error("this client has no identify()");
    return client.identify(call.personId, call.data);
  };
}

/** Sends each call through a client or a function, after validating it. */
class TrackerBase {
  readonly validation: Validation;
  private readonly send: Send;

  constructor(client: TrackClientLike | Send, options: { readonly validation?: Validation } = {}) {
    this.validation = options.validation ?? defaultValidation();
    this.send = typeof client === "function" ? client : clientSender(client);
  }

  private deliver(call: Call, problems: readonly Problem[]): unknown {
    const label = call.name ?? "identify";
    const errors = problems.filter((p) => p.error);
    if (this.validation === "raise" && errors.length > 0) {
      throw new TrackingValidationError(label, errors);
    }
    if (this.validation !== "off" && problems.length > 0) {
      warn(`${label}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
    }
    return this.send(call);
  }

  /** Send any declared event by name (the typed methods read better). */
  track<N extends EventName>(personId: string, name: N, data: EventData[N],
                             options: TrackOptions = {}): unknown {
    const record = data as Readonly<Record<string, unknown>>;
    const problems = this.validation === "off" ? [] : validateEvent(name, record);
    const call: Call = options.timestamp === undefined
      ? { kind: "track", personId, name, data: { ...record } }
      : { kind: "track", personId, name, data: { ...record }, timestamp: options.timestamp };
    return this.deliver(call, problems);
  }

  /** Set the declared attributes given. */
  identify(personId: string, attributes: Attributes): unknown {
    const record = attributes as Readonly<Record<string, unknown>>;
    const problems = this.validation === "off" ? [] : validateAttributes(record);
    return this.deliver({ kind: "identify", personId, name: null, data: { ...record } }, problems);
  }
}
"""

RECORDER = r"""
/** A tracker that records calls instead of sending them, for unit tests ("raise" by default). */
export class RecordingTracker extends Tracker {
  readonly calls: Call[];

  constructor(options: { readonly validation?: Validation } = {}) {
    const calls: Call[] = [];
    super((call: Call) => { calls.push(call); }, { validation: options.validation ?? "raise" });
    this.calls = calls;
  }

  /** The recorded events, all or only those named `name`. */
  events(name?: EventName): Call[] {
    return this.calls.filter((c) => c.kind === "track" && (name === undefined || c.name === name));
  }

  /** The recorded identify calls. */
  identified(): Call[] {
    return this.calls.filter((c) => c.kind === "identify");
  }

  /** Forget every recorded call. */
  clear(): void {
    this.calls.length = 0;
  }
}
"""
