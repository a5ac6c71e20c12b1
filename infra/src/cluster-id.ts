import { randomBytes } from 'node:crypto';

/**
 * A KRaft cluster id as `kafka-storage random-uuid` makes it: 16 random bytes, base64url without
 * padding (22 characters). Ids starting with '-' are redrawn: they would read as a command-line flag.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function isValidClusterId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id);
}

/** Parses a Java .properties text (the simple subset Kafka writes: key=value lines, # comments). */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const index = trimmed.search(/[=:]/);
    if (index < 0) continue;
    properties.set(trimmed.slice(0, index).trim(), trimmed.slice(index + 1).trim());
  }
  return properties;
}
