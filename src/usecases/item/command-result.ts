/** What a protocol command answers besides `<ok/>`: flat fields rendered as children of `<doc>`. */
export type CommandResult = Readonly<Record<string, string | number>>;

export function linkResult(link: {
  item: number;
  licenceId: number;
  status: number;
  expiredate: string;
  ip: string;
}): CommandResult {
  return {
    item: link.item,
    licenseid: link.licenceId,
    status: link.status,
    expiredate: link.expiredate,
    ip: link.ip,
  };
}
