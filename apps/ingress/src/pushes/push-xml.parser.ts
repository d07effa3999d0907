import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { IngressError, IngressErrorCode } from './ingress.errors';

const MAX_DEPTH = 8;
const MAX_FIELDS = 200;
const FORBIDDEN = /<!DOCTYPE|<!ENTITY/i;

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
  if (FORBIDDEN.test(xml)) {
    throw new IngressError(IngressErrorCode.MalformedXml, `${what} XML declares a DOCTYPE or entity`);
  }
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
