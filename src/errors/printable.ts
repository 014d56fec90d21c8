/**
 * Caller-supplied text as it may appear inside an error message: control characters, line and
 * paragraph separators and lone surrogates are escaped (an error document with a raw NUL is not
 * XML), and anything past `max` characters is cut, so a 1 MB line can't become a 1 MB message.
 */
export function printable(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[\p{Cc}\p{Cs}\u2028\u2029\uFFFE\uFFFF]/gu, (char) => `\\u${hex4(char.charCodeAt(0))}`);
}

const hex4 = (code: number) => code.toString(16).padStart(4, '0');
