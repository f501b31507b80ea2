// Reading the XML of other patchbays' files into a small tree: each element
// keeps its attributes under '@_name', its text under '#text', and its
// children by tag, always as arrays (so one child and many read alike). A
// strict streaming parser (sax) refuses what is not well-formed with its line
// and column; it expands only XML's own entities, so a DOCTYPE cannot make a
// small file huge. The tree is built without recursion: nesting depth costs
// nothing but memory.
import sax from 'sax';
import { badFile } from './checks.js';

/** An element: its attributes under '@_name', its text under '#text', its children by tag. */
export type XmlElement = { readonly [key: string]: unknown };

type Building = Record<string, unknown>;

/** Parses `text`; throws 'bad-preset-file' if it is not well-formed XML with a `root` element. */
export function parseXml(text: string, root: string, format: string): XmlElement {
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  const top: Building = {};
  const stack: Building[] = [top];
  const current = () => stack[stack.length - 1] as Building;
  parser.onopentag = (tag) => {
    const element: Building = {};
    for (const [name, value] of Object.entries(tag.attributes))
      element[`@_${name}`] = typeof value === 'string' ? value : value.value;
    const parent = current();
    const siblings = parent[tag.name];
    if (Array.isArray(siblings)) siblings.push(element);
    else parent[tag.name] = [element];
    stack.push(element);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  const addText = (chunk: string) => {
    const element = current();
    element['#text'] = `${(element['#text'] as string | undefined) ?? ''}${chunk}`;
  };
  parser.ontext = addText;
  parser.oncdata = addText;
  let failure: Error | null = null;
  parser.onerror = (error) => {
    failure ??= error;
    throw error;
  };
  try {
    parser.write(text).close();
  } catch (error) {
    failure ??= error as Error;
  }
  if (failure !== null)
    throw badFile(`not a ${format} file: ${(failure as Error).message.split('\n').join(', ')}`);
  const elements = children(top, root);
  if (elements.length !== 1)
    throw badFile(`not a ${format} file: its root element is not <${root}>`);
  return elements[0] as XmlElement;
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
  const value = element['#text'];
  return typeof value === 'string' ? value : '';
}

/** Names the root element of an XML text without parsing it all (for telling formats apart). */
export function rootName(text: string): string | null {
  const match = /<([A-Za-z_][\w.-]*)[\s/>]/.exec(
    text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/g, ''),
  );
  return match ? (match[1] ?? null) : null;
}
