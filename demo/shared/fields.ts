/**
 * Reading the pages' form fields. A bad value stops before any GPU work with a message
 * that names the field, says what was expected and quotes what came, like the library's
 * ArgumentError and the command line's option errors.
 */

/** Bad input in a form field; the message names the field. */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(readonly field: string, expected: string, received: string) {
    super(`${field}: expected ${expected}, got ${received}`);
  }
}

function input(id: string): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const element = document.getElementById(id);
  if (!element || !('value' in element)) throw new Error(`the page has no field #${id}`);
  return element as HTMLInputElement;
}

/** The field's label text, for messages ("hidden size", not "#hidden"). */
export function fieldName(id: string): string {
  const element = input(id);
  const label = element.closest('label') ?? document.querySelector<HTMLLabelElement>(`label[for="${id}"]`);
  // A label may name its field more fully for messages than it shows ("parity: steps").
  if (label?.dataset.field) return label.dataset.field;
  const own = label?.querySelector('.name')?.textContent ?? label?.firstChild?.textContent;
  return own?.trim() || id;
}

const quote = (text: string): string => (text.trim() === '' ? 'nothing (the field is empty)' : JSON.stringify(text));

/** A number in [min, max], an integer when `integer`; names the field otherwise. */
export function readNumber(id: string, options: { min: number; max: number; integer?: boolean }): number {
  const raw = input(id).value;
  const value = Number(raw);
  const { min, max, integer = false } = options;
  const expected = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  if (raw.trim() === '' || !Number.isFinite(value)) throw new FieldError(fieldName(id), expected, quote(raw));
  if (integer && !Number.isInteger(value)) throw new FieldError(fieldName(id), expected, quote(raw));
  if (value < min || value > max) throw new FieldError(fieldName(id), expected, String(value));
  return value;
}

/** One of `choices`; names the field otherwise. */
export function readChoice<T extends string>(id: string, choices: readonly T[]): T {
  const raw = input(id).value;
  if (!(choices as readonly string[]).includes(raw)) throw new FieldError(fieldName(id), `one of ${choices.join(', ')}`, quote(raw));
  return raw as T;
}

export function readText(id: string): string {
  return input(id).value;
}

export function writeValue(id: string, value: string | number): void {
  input(id).value = String(value);
}

/** Enables or disables fields (a running model's options cannot change under it). */
export function setDisabled(ids: readonly string[], disabled: boolean): void {
  for (const id of ids) input(id).disabled = disabled;
}
