// JACK metadata: well-known keys and the reads that need no client.
// Writes (setProperty, removeProperty, …) are Client methods, as in libjack.
import { JackError, nulByteError } from './errors.js';
import { call } from './library.js';
import { type NativePropertyValue, native } from './native.js';

const BASE = 'http://jackaudio.org/metadata/';
export const METADATA_CONNECTED = `${BASE}connected`;
export const METADATA_EVENT_TYPES = `${BASE}event-types`;
export const METADATA_HARDWARE = `${BASE}hardware`;
export const METADATA_ICON_LARGE = `${BASE}icon-large`;
export const METADATA_ICON_NAME = `${BASE}icon-name`;
export const METADATA_ICON_SMALL = `${BASE}icon-small`;
export const METADATA_ORDER = `${BASE}order`;
export const METADATA_PORT_GROUP = `${BASE}port-group`;
export const METADATA_PRETTY_NAME = `${BASE}pretty-name`;
export const METADATA_SIGNAL_TYPE = `${BASE}signal-type`;

export const PROPERTY_CREATED = 0;
export const PROPERTY_CHANGED = 1;
export const PROPERTY_DELETED = 2;

/** A property's value (raw bytes) and type (MIME type or URI; '' means text/plain). */
export interface Property {
  value: Buffer;
  type: string;
}

/** Something with a UUID: a Client, a Port, or the UUID itself (decimal string or bigint). */
export type Subject = string | bigint | { readonly uuid: string };

export function subjectToUuid(subject: Subject): string {
  if (typeof subject === 'bigint') return subject.toString();
  if (typeof subject === 'string') {
    if (!/^\d{1,20}$/.test(subject)) throw new JackError(`invalid UUID: '${subject}'`, 'bad-uuid');
    return subject;
  }
  if (subject && typeof subject === 'object' && typeof subject.uuid === 'string')
    return subject.uuid;
  throw new TypeError('subject must be a UUID string, a bigint, a Client or a Port');
}

// libjack stores keys, values and types as C strings: a NUL byte would
// silently cut them short.
function checkText(text: unknown, what: string): string {
  if (typeof text !== 'string') throw new TypeError(`${what} must be a string`);
  if (text.includes('\0')) throw nulByteError(what);
  return text;
}

/** @internal A property key: a non-empty string without NUL. */
export function checkKey(key: unknown): string {
  if (checkText(key, 'key') === '') throw new TypeError('key must be a non-empty string');
  return key as string;
}

/** @internal A property type (MIME type or URI, '' for text): a string without NUL. */
export function checkType(type: unknown): string {
  return checkText(type, 'type');
}

/** @internal A property value as the addon takes it: a string, or bytes without NUL. */
export function propertyData(value: unknown): string | Buffer {
  if (typeof value === 'string') return checkText(value, 'value');
  if (!(value instanceof Uint8Array)) throw new TypeError('value must be a string or bytes');
  if (value.includes(0)) throw nulByteError('value');
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function toProperty([value, type]: NativePropertyValue): Property {
  return { value, type };
}

function toProperties(raw: Record<string, NativePropertyValue>): Record<string, Property> {
  const result: Record<string, Property> = {};
  for (const [key, value] of Object.entries(raw)) result[key] = toProperty(value);
  return result;
}

/** One property of a subject, or null when it has none under `key`. */
export function getProperty(subject: Subject, key: string): Property | null {
  const uuid = subjectToUuid(subject);
  const checked = checkKey(key);
  const raw = call(() => native.getProperty(uuid, checked));
  return raw ? toProperty(raw) : null;
}

/** All properties of a subject, by key. */
export function getProperties(subject: Subject): Record<string, Property> {
  const uuid = subjectToUuid(subject);
  return toProperties(call(() => native.getProperties(uuid)));
}

/** All properties of all subjects, by subject UUID and key. */
export function getAllProperties(): Record<string, Record<string, Property>> {
  const raw = call(() => native.getAllProperties());
  const result: Record<string, Record<string, Property>> = {};
  for (const [subject, properties] of Object.entries(raw))
    result[subject] = toProperties(properties);
  return result;
}
