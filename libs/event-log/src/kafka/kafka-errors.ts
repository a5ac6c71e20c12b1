const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** kafkajs wraps the broker's answer in retry errors; the protocol error is somewhere down `cause`. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && chain.length < 10; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
  }
  return chain;
}

export function isRecordTooLarge(error: unknown): boolean {
  return causes(error).some((cause) => TOO_LARGE.has(String((cause as { type?: unknown }).type)));
}

/** The outermost message plus the innermost one, which is usually the broker's actual complaint. */
export function describeKafkaError(error: unknown): string {
  const chain = causes(error).filter((cause): cause is Error => cause instanceof Error);
  if (chain.length === 0) return String(error);
  const [outer, inner] = [chain[0], chain[chain.length - 1]];
  return outer === inner || outer.message.includes(inner.message)
    ? outer.message
    : `${outer.message}: ${inner.message}`;
}
