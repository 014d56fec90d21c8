/**
 * Enumeration names the module serves with no config (seed wiki, "Note!"): which ISPmanager `Lite`
 * means depends on the upstream's generation. The api=4 Lite is 7, the package without support,
 * because that is the one with public period rows (research §7.1).
 */
export const BUILTIN_PACKAGE_DEFAULTS: Readonly<Record<4 | 5, Readonly<Record<string, number>>>> = {
  4: { Lite: 7, Lite5: 3541, Prof: 11 },
  5: { Lite: 3541, Lite5: 3541, Prof: 11 },
};

export function builtinPackageDefault(api: 4 | 5, name: string): number | undefined {
  return Object.hasOwn(BUILTIN_PACKAGE_DEFAULTS[api], name) ? BUILTIN_PACKAGE_DEFAULTS[api][name] : undefined;
}
