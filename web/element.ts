// Building DOM nodes. Text always goes in as textContent, never as HTML:
// a message like "<img src=x onerror=alert(1)>" must show as those characters.

import { pageText } from './i18n/page-language.ts';

type Attributes = Record<string, string | number | boolean | undefined>;

/** Make an element with a class, attributes and children (strings become text nodes). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  attributes: Attributes = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

/** The element with this id; a page whose markup lacks it is broken, so say which id. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(pageText().failure.noElement(id));
  return found as T;
}

/** "20:03:45": a 24-hour clock, short enough for narrow columns. */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
