import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { PostbackInput } from '@ricochet/domain/postback';
import { POSTBACK_LIMITS } from '@ricochet/domain/postback';

/** What the intake reads parameters from. */
export interface RawPostbackRequest {
  query: unknown;
  /** Fastify's parsed body: an object for form and JSON, a string for text/plain, undefined without one. */
  body: unknown;
  contentType?: string;
}

type Values = string | string[];

/**
 * Merges the query string with a form or JSON body into the parser's input (DESIGN §4.1). A name sent
 * in both places becomes a repeated parameter: the parser accepts equal values and refuses different
 * ones. JSON bodies must be flat: top-level strings, numbers and booleans (`null` counts as empty).
 *
 * @throws BadRequestException INVALID_JSON_SHAPE for a nested or non-object JSON body.
 * @throws UnsupportedMediaTypeException for a body that is neither form nor JSON.
 */
export function collectPostbackParams(request: RawPostbackRequest): PostbackInput {
  const merged = new Map<string, Values>();
  addAll(merged, request.query);
  if (request.body !== undefined && request.body !== null && request.body !== '') {
    const type = mediaType(request.contentType);
    if (type === 'application/json') addAll(merged, flattenJson(request.body));
    else if (type === 'application/x-www-form-urlencoded') addAll(merged, request.body);
    else throw unsupported(type);
  }
  return Object.fromEntries(merged);
}

/**
 * Every parameter as one string (repeats joined with `,`), for storing a postback the intake refuses.
 * Never throws: what could not be parsed is stored as well as it can be.
 */
export function storableParams(request: RawPostbackRequest): Record<string, string> {
  const merged = new Map<string, Values>();
  addAll(merged, request.query);
  if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)) {
    for (const [name, value] of Object.entries(request.body as Record<string, unknown>)) {
      add(
        merged,
        name,
        typeof value === 'string' || Array.isArray(value) ? value : (JSON.stringify(value) ?? ''),
      );
    }
  }
  const entries: [string, string][] = [];
  for (const [name, value] of merged) {
    if (entries.length >= POSTBACK_LIMITS.maxParameters) break;
    if (name === '' || name.toLowerCase() === 'token') continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    entries.push([
      name.slice(0, POSTBACK_LIMITS.maxNameLength),
      text.slice(0, POSTBACK_LIMITS.maxValueLength),
    ]);
  }
  return Object.fromEntries(entries);
}

/** The first value of a parameter in the query or a form/JSON body (the `token=` form of auth). */
export function firstParam(request: RawPostbackRequest, name: string): string | undefined {
  for (const source of [request.query, request.body]) {
    if (typeof source !== 'object' || source === null) continue;
    const value = (source as Record<string, unknown>)[name];
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string' && first !== '') return first;
  }
  return undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function unsupported(type: string): UnsupportedMediaTypeException {
  return new UnsupportedMediaTypeException({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message:
      `UNSUPPORTED_MEDIA_TYPE: a postback body must be application/x-www-form-urlencoded or ` +
      `application/json, got "${type || 'none'}"`,
  });
}

function flattenJson(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw shapeError(
      'body',
      'a JSON postback must be an object of parameters like {"click_id":"…","payout":"1.50"}',
    );
  }
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') flat[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') flat[name] = String(value);
    else if (value === null) flat[name] = '';
    else
      throw shapeError(
        name,
        `"${name}" is a nested ${Array.isArray(value) ? 'array' : 'object'}; send flat values`,
      );
  }
  return flat;
}

function shapeError(param: string, detail: string): BadRequestException {
  return new BadRequestException({
    code: 'INVALID_JSON_SHAPE',
    param,
    message: `INVALID_JSON_SHAPE: ${detail}`,
  });
}

function addAll(merged: Map<string, Values>, source: unknown): void {
  if (typeof source !== 'object' || source === null) return;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    if (typeof value === 'string' || Array.isArray(value)) add(merged, name, value as Values);
  }
}

function add(merged: Map<string, Values>, name: string, value: Values): void {
  const existing = merged.get(name);
  if (existing === undefined) merged.set(name, value);
  else merged.set(name, [...toArray(existing), ...toArray(value)]);
}

function toArray(value: Values): string[] {
  return Array.isArray(value) ? value.map(String) : [value];
}
