/**
 * Enumeration names the module serves with no config (seed wiki, "Note!"). The wiki ties `Lite` to the
 * generation of the upstream: on BILLmanager 4 it is ISPmanager 4 Lite, `Lite5` ISPmanager 5 Lite; on
 * BILLmanager 5 it is "ISPmanager 5 Lite rather than ISPmanager 4 Lite" — i.e. the ISPmanager the
 * upstream sells at the time. Read that way, today's api 5 upstream (ispmanager's billing, which sells
 * only ispmanager 6 and has not sold or renewed ISPmanager 5 since 2021-06-15) means ispmanager 6:
 * Lite → ispmanager 6 Lite 55227, Prof → ispmanager 6 Pro 55228. `Lite5` names a version, not "the
 * current one", so it stays ISPmanager 5 Lite 3541 on both generations.
 *
 * api 4 (the seed's BILLmanager 4 upstream) keeps the wiki's meaning: Lite is 7, the ISPmanager 4 Lite
 * without support, because that is the one with public period rows (research §7.1); Prof is 11.
 */
export const BUILTIN_PACKAGE_DEFAULTS: Readonly<Record<4 | 5, Readonly<Record<string, number>>>> = {
  4: { Lite: 7, Lite5: 3541, Prof: 11 },
  5: { Lite: 55227, Lite5: 3541, Prof: 55228 },
};

export function builtinPackageDefault(api: 4 | 5, name: string): number | undefined {
  return Object.hasOwn(BUILTIN_PACKAGE_DEFAULTS[api], name) ? BUILTIN_PACKAGE_DEFAULTS[api][name] : undefined;
}
