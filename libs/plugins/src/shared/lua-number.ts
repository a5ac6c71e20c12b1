const HEX = /^[-+]?0[xX][0-9a-fA-F]+$/;
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Lua's `tonumber` on a string: decimal or hexadecimal, surrounding space allowed; undefined otherwise. */
export function luaToNumber(text: string): number | undefined {
  const t = text.trim();
  let n: number;
  if (HEX.test(t)) n = (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[-+]/, ''), 16);
  else if (DECIMAL.test(t)) n = Number(t);
  else return undefined;
  return Number.isFinite(n) ? n : undefined;
}
