import { FOREIGN_KEYS } from '../entities/registry';
import { ENTITY_KINDS } from '../kinds';
import { REFERENCED_BY, REFERENCES, refIndexName } from './rules';

describe('reference rules', () => {
  it('list every foreign key once per side, with the name of its reverse index', () => {
    for (const side of [REFERENCES, REFERENCED_BY]) {
      const all = ENTITY_KINDS.flatMap((kind) => side[kind]);
      expect(all).toHaveLength(FOREIGN_KEYS.length);
      for (const rule of all) {
        expect(rule.index).toBe(refIndexName(rule));
        expect(FOREIGN_KEYS).toContainEqual({
          kind: rule.kind,
          field: rule.field,
          reference: rule.reference,
          onDelete: rule.onDelete,
        });
      }
    }
    for (const kind of ENTITY_KINDS) {
      expect(REFERENCES[kind].every((fk) => fk.kind === kind)).toBe(true);
      expect(REFERENCED_BY[kind].every((fk) => fk.reference === kind)).toBe(true);
    }
  });
});
