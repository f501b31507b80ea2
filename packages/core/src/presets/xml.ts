// Reading the XML of other patchbays' files. Every element becomes an array
// (so one child and many read alike) and keeps its text, and a file that is
// not well-formed is refused with the parser's line and column.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badFile } from './checks.js';

/** An element: its attributes under '@_name', its text under '#text', its children by tag. */
export type XmlElement = { readonly [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: true,
  htmlEntities: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** Parses `text`; throws 'bad-preset-file' if it is not well-formed XML with a `root` element. */
export function parseXml(text: string, root: string, format: string): XmlElement {
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw badFile(
      `not a ${format} file: line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
    );
  let document: XmlElement;
  try {
    document = parser.parse(text) as XmlElement;
  } catch (error) {
    throw badFile(`not a ${format} file: ${(error as Error).message}`);
  }
  const top = children(document, root);
  if (top.length !== 1) throw badFile(`not a ${format} file: its root element is not <${root}>`);
  return top[0] as XmlElement;
}

export function children(element: XmlElement, tag: string): XmlElement[] {
  const value = element[tag];
  return Array.isArray(value) ? (value as XmlElement[]) : [];
}

export function attribute(element: XmlElement, name: string): string {
  const value = element[`@_${name}`];
  return typeof value === 'string' ? value : '';
}

export function text(element: XmlElement): string {
  const parts = element['#text'];
  if (Array.isArray(parts)) return parts.join('');
  return typeof parts === 'string' ? parts : '';
}

/** Names the root element of an XML text without parsing it all (for telling formats apart). */
export function rootName(text: string): string | null {
  const match = /<([A-Za-z_][\w.-]*)[\s/>]/.exec(
    text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, ''),
  );
  return match ? (match[1] ?? null) : null;
}
