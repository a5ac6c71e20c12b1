const MONTHS: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

// The three forms nginx's `ngx.parse_http_time` reads (RFC 1123, RFC 850, asctime).
const RFC1123 = /^[A-Za-z]+, (\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})/;
const RFC850 = /^[A-Za-z]+, (\d{1,2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/;
const ASCTIME = /^[A-Za-z]+ ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})/;

/** Seconds since the epoch of an HTTP date, or null when it is not one. */
export function parseHttpDate(text: string): number | null {
  let m = RFC1123.exec(text);
  if (m !== null) return toSeconds(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = RFC850.exec(text);
  if (m !== null) {
    const yy = Number(m[3]);
    return toSeconds(String(yy < 70 ? 2000 + yy : 1900 + yy), m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(text);
  if (m !== null) return toSeconds(m[6], m[1], m[2], m[3], m[4], m[5]);
  return null;
}

function toSeconds(year: string, month: string, day: string, h: string, min: string, s: string): number | null {
  const mon = MONTHS[month.toLowerCase()];
  const [d, hh, mm, ss] = [Number(day), Number(h), Number(min), Number(s)];
  if (mon === undefined || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 59) return null;
  return Date.UTC(Number(year), mon, d, hh, mm, ss) / 1000;
}
