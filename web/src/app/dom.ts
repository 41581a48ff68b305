// Small DOM helpers shared by the page's modules.

/** The element with `id`; a missing one is a bug in index.html, reported by name. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`page is missing #${id}`);
  return found as T;
}

/** A new element with properties and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A file's warning as a full-width line under its table row: readable text, not a tooltip. */
export function warningRow(name: string, warning: string, columns: number): HTMLTableRowElement {
  // The engine's message starts with the file name, which the line names once.
  const text = warning.startsWith(`${name}: `) ? warning.slice(name.length + 2) : warning;
  const cell = el('td', { className: 'warning' }, `⚠ ${name} ${text}`);
  cell.colSpan = columns;
  return el('tr', { className: 'file-warning' }, cell);
}

/** Offers `data` to the user as a download named `name`. */
export function download(data: Blob, name: string): void {
  const url = URL.createObjectURL(data);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A status line: text, and whether it reports an error. */
export function say(target: HTMLElement, text: string, error = false): void {
  target.textContent = text;
  target.classList.toggle('error', error);
}

/** `1234567` bytes → `1.2 MB`. */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i += 1;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Seconds → `1 min 05 s`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
