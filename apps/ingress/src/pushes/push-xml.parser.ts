import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { IngressError, IngressErrorCode } from './ingress.errors';

const MAX_DEPTH = 8;
const MAX_FIELDS = 200;
const FORBIDDEN = /<!DOCTYPE|<!ENTITY/i;
const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;

const parser = new XMLParser({
  // Values stay strings: MsgId has 64-bit values a number would corrupt.
  parseTagValue: false,
  // No entity expansion at all (billion laughs, external entities): WeChat sends CDATA.
  processEntities: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  maxNestedTags: MAX_DEPTH,
});

/**
 * Parses a push's XML into the children of `<xml>`: refuses DOCTYPE and entity declarations,
 * malformed documents, nesting deeper than 8 and more than 200 fields (the body size is
 * limited before this by the HTTP layer).
 */
export function parsePushXml(xml: string, what: 'outer' | 'inner'): Record<string, unknown> {
  // A document parseFlatXml accepts has no markup but its tags (`<Name>`, `</Name>`): a DOCTYPE or
  // ENTITY in it can only be CDATA text, which the check below lets through anyway. So the check is
  // needed only on the general path, and the usual push skips its two scans of the whole text.
  const flat = parseFlatXml(xml);
  if (flat) return flat;
  // Only markup counts: a user may well send the text "<!DOCTYPE html>" (inside CDATA), and refusing
  // it would make WeChat retry, then drop the message.
  if (FORBIDDEN.test(xml) && FORBIDDEN.test(xml.replace(CDATA_SECTION, ''))) {
    throw new IngressError(IngressErrorCode.MalformedXml, `${what} XML declares a DOCTYPE or entity`);
  }
  return parseAnyXml(xml, what);
}

/**
 * The general path: validate, then parse, with fast-xml-parser (two passes over the document).
 * Exported for the test that holds parseFlatXml to the same results.
 */
export function parseAnyXml(xml: string, what: 'outer' | 'inner'): Record<string, unknown> {
  if (XMLValidator.validate(xml) !== true) {
    throw new IngressError(IngressErrorCode.MalformedXml, `${what} XML is not well-formed`);
  }
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    throw new IngressError(
      IngressErrorCode.MalformedXml,
      `${what} XML: ${error instanceof Error ? error.message : 'cannot be parsed'}`,
    );
  }
  const root = (document as { xml?: unknown } | undefined)?.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw new IngressError(IngressErrorCode.MalformedXml, `${what} XML has no <xml> root with fields`);
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(root as Record<string, unknown>)) {
    if (key !== '#text') fields[key] = value;
  }
  if (Object.keys(fields).length > MAX_FIELDS) {
    throw new IngressError(IngressErrorCode.MalformedXml, `${what} XML has more than ${MAX_FIELDS} fields`);
  }
  return fields;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';
const ROOT_OPEN = '<xml>';
const ROOT_CLOSE = '</xml>';

/**
 * The shape of (almost) every push, outer and inner, read in one pass: `<xml>`, children
 * `<Name>text</Name>` or `<Name><![CDATA[text]]></Name>` (each name once) separated by
 * whitespace, `</xml>`. Such a document is well-formed by construction, and the result is what
 * parseAnyXml gives for it; anything else (attributes, nesting, repeated or unusual names,
 * entities, `\r`, comments, a declaration) returns undefined and takes the general path, which
 * also gives every refusal. Validate + parse cost ~24 µs per push (measured; the push's whole
 * CPU budget is ~100 µs), this ~2 µs.
 */
export function parseFlatXml(xml: string): Record<string, string> | undefined {
  if (!xml.startsWith(ROOT_OPEN) || xml.includes('\r')) return undefined;
  const fields: Record<string, string> = {};
  let count = 0;
  let at = ROOT_OPEN.length;
  for (;;) {
    at = skipWhitespace(xml, at);
    if (xml.startsWith(ROOT_CLOSE, at)) {
      return count > 0 && skipWhitespace(xml, at + ROOT_CLOSE.length) === xml.length ? fields : undefined;
    }
    if (xml[at] !== '<') return undefined;
    const nameEnd = xml.indexOf('>', at + 1);
    if (nameEnd === -1) return undefined;
    const name = xml.slice(at + 1, nameEnd);
    if (!NAME.test(name) || isReservedName(name) || Object.hasOwn(fields, name)) return undefined;
    let value: string;
    at = nameEnd + 1;
    if (xml.startsWith(CDATA_OPEN, at)) {
      const cdataEnd = xml.indexOf(CDATA_CLOSE, at + CDATA_OPEN.length);
      if (cdataEnd === -1) return undefined;
      value = xml.slice(at + CDATA_OPEN.length, cdataEnd);
      at = cdataEnd + CDATA_CLOSE.length;
    } else {
      const textEnd = xml.indexOf('<', at);
      if (textEnd === -1) return undefined;
      value = xml.slice(at, textEnd);
      if (value.includes('&')) return undefined;
      at = textEnd;
    }
    if (!(xml.startsWith('</', at) && xml.startsWith(name, at + 2) && xml[at + 2 + name.length] === '>')) {
      return undefined;
    }
    at += name.length + 3;
    fields[name] = value;
    if (++count > MAX_FIELDS) return undefined;
  }
}

/**
 * Names of Object's own members and `prototype`: the general path refuses some of them
 * (prototype pollution guard) and they are no names WeChat uses; a repeated name (checked by
 * the caller) becomes an array there.
 */
function isReservedName(name: string): boolean {
  return name in Object.prototype || name === 'prototype';
}

function skipWhitespace(xml: string, from: number): number {
  let at = from;
  while (at < xml.length) {
    const char = xml[at];
    if (char !== ' ' && char !== '\n' && char !== '\t') break;
    at++;
  }
  return at;
}
