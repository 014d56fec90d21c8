/**
 * A balance as BILLmanager's client area shows it: thousands separated by a space, a decimal point and
 * two decimals, e.g. `1 234.56`, `-15.00`. The real API's number format is not documented ([U] costly):
 * a client that casts the text with `Number()` or PHP's `(float)` reads 1 instead of 1234.56 here, so
 * it must strip the separators first.
 */
export function formatMoney(amount: number): string {
  const [whole = '0', cents = '00'] = Math.abs(amount).toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${amount < 0 && Number(amount.toFixed(2)) !== 0 ? '-' : ''}${grouped}.${cents}`;
}
