/** The app's whole DOM layer: build elements from a tag, attributes and children. */
type Child = Node | string | false | null | undefined;
type Attrs = Record<string, string | boolean | number | EventListener | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const c of children) if (c !== false && c !== null && c !== undefined) el.append(c);
  return el;
}

/** Replaces the content of `el`, keeping the focus on an element with the same `data-focus` key. */
export function render(el: HTMLElement, ...children: Child[]): void {
  const key = (document.activeElement as HTMLElement | null)?.dataset?.focus;
  el.replaceChildren(
    ...children.filter((c): c is Node | string => c !== false && c !== null && c !== undefined),
  );
  if (key) (el.querySelector(`[data-focus="${key}"]`) as HTMLElement | null)?.focus();
}
